// Process entry for every app: config, listen, and a graceful stop on SIGTERM / SIGINT.
import type { FastifyInstance } from 'fastify'
import { ConfigError } from './config.ts'

export interface RunServiceOptions<C extends { HOST: string; SHUTDOWN_TIMEOUT_MS: number }> {
  name: string
  /** Loads and validates the config; a ConfigError stops the process with its message. */
  config: () => C
  build: (config: C) => Promise<FastifyInstance> | FastifyInstance
  port: (config: C) => number
}

/** Starts an app: exits 1 with a readable message on bad config, drains and closes on signals. */
export async function runService<C extends { HOST: string; SHUTDOWN_TIMEOUT_MS: number }>(options: RunServiceOptions<C>): Promise<void> {
  let config: C
  try {
    config = options.config()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${options.name}: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  const app = await options.build(config)
  let closing = false
  const shutdown = async (reason: string, code: number) => {
    if (closing) return
    closing = true
    app.log.info({ reason }, 'shutting down: no new connections, finishing in-flight requests')
    const timer = setTimeout(() => {
      app.log.error({ timeout_ms: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting with requests unfinished')
      process.exit(1)
    }, config.SHUTDOWN_TIMEOUT_MS)
    timer.unref()
    try {
      await app.close()
      app.log.info('closed')
    } catch (err) {
      app.log.error({ err }, 'error while closing')
      code = 1
    }
    process.exit(code)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0))
  process.once('SIGINT', () => void shutdown('SIGINT', 0))
  process.on('unhandledRejection', (err) => {
    app.log.fatal({ err }, 'unhandled rejection')
    void shutdown('unhandledRejection', 1)
  })
  try {
    await app.listen({ port: options.port(config), host: config.HOST })
  } catch (err) {
    app.log.fatal({ err }, 'could not listen')
    process.exit(1)
  }
}
