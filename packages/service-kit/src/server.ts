// Process entry for every app: config, listen, and a graceful stop on a signal or an uncaught error.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { ConfigError } from './config.ts'
import { startTracing, type TracingSettings } from './tracing.ts'

export interface RunServiceOptions<C extends { HOST: string; SHUTDOWN_TIMEOUT_MS: number } & TracingSettings> {
  name: string
  /** Loads and validates the config; a ConfigError stops the process with its message. */
  config: () => C
  build: (config: C) => Promise<FastifyInstance> | FastifyInstance
  port: (config: C) => number
}

/**
 * Starts an app, tracing it as its config says: exits 1 with a readable message on bad config. A signal (SIGTERM, SIGINT, ...), an
 * uncaught exception or an unhandled rejection drains and closes the app within SHUTDOWN_TIMEOUT_MS;
 * the exit code is 0 only for a signal whose close succeeded in time.
 */
export async function runService<C extends { HOST: string; SHUTDOWN_TIMEOUT_MS: number } & TracingSettings>(options: RunServiceOptions<C>): Promise<void> {
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
  // Before the app is built: its clients and routes are traced from their first call.
  const tracing = startTracing(options.name, config)
  const app = await options.build(config)
  const timeoutMs = config.SHUTDOWN_TIMEOUT_MS
  closeWithGrace(
    {
      delay: timeoutMs,
      // Everything it would print goes through the app's logger instead (the callbacks below).
      logger: false,
      onTimeout: () => app.log.error({ timeout_ms: timeoutMs }, 'shutdown timed out; exiting with requests unfinished'),
      onSecondSignal: (signal) => app.log.error({ reason: signal }, 'second signal while shutting down; exiting at once'),
      onSecondError: (err) => app.log.fatal({ err }, 'uncaught error while shutting down; exiting at once'),
    },
    async ({ signal, err }) => {
      if (err !== undefined) app.log.fatal({ err, timeout_ms: timeoutMs }, 'uncaught error: shutting down, finishing in-flight requests')
      else app.log.info({ reason: signal, timeout_ms: timeoutMs }, 'shutting down: no new connections, finishing in-flight requests')
      try {
        await app.close()
      } catch (closeErr) {
        app.log.error({ err: closeErr }, 'error while closing')
        // close-with-grace exits 1 when this callback rejects.
        throw closeErr
      }
      app.log.info('closed')
      await tracing.shutdown()
    },
  )
  try {
    await app.listen({ port: options.port(config), host: config.HOST })
  } catch (err) {
    app.log.fatal({ err }, 'could not listen')
    process.exit(1)
  }
}
