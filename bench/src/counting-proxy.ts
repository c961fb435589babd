// A pass-through HTTP proxy that counts what goes through it: put in front of DynamoDB Local or a
// service, it tells how many calls a request really caused, from traffic rather than from code.
import { createServer, request as forward, Agent, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CountingProxy {
  url: string
  /** Calls seen since the last reset, by label (DynamoDB: the operation, e.g. UpdateItem; else the method). */
  counts(): Record<string, number>
  reset(): void
  close(): Promise<void>
}

/** DynamoDB names its operation in `x-amz-target` (DynamoDB_20120810.UpdateItem); other services by method and path. */
function labelOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target']
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1)
  return req.method ?? 'GET'
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target)
  const agent = new Agent({ keepAlive: true })
  let counts: Record<string, number> = {}
  const server: Server = createServer((req, res) => {
    const label = labelOf(req)
    counts[label] = (counts[label] ?? 0) + 1
    const upstream = forward(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {}
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      agent.destroy()
    },
  }
}
