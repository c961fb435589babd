import { connect } from 'node:net'
import t from 'tap'
import { createServiceApp, type ServiceAppOptions } from '../src/app.ts'
import { ConfigError, BaseConfigProperties, loadConfig } from '../src/config.ts'

const base = { LOG_LEVEL: 'info' as const, BODY_LIMIT_BYTES: 2048 }

async function listen(
  t: { teardown(fn: () => unknown): void },
  config: ServiceAppOptions['config'],
  extra: Partial<ServiceAppOptions> = {},
) {
  const app = createServiceApp({ name: 'edge', config, logger: false, ...extra })
  app.get('/ip', async (request) => ({ ip: request.ip }))
  app.post('/echo', async (request) => ({ received: request.body }))
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return { app, url: new URL(url) }
}

/** Opens a socket, sends the start of a request, then nothing: a slowloris client. Resolves when the server closes it. */
function slowSender(url: URL): Promise<{ closedAfterMs: number; response: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    let response = ''
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write('POST /echo HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":')
    })
    socket.on('data', (chunk) => (response += String(chunk)))
    socket.on('error', reject)
    socket.on('close', () => resolve({ closedAfterMs: Date.now() - started, response }))
  })
}

t.test('a client that sends its request too slowly is cut off after REQUEST_TIMEOUT_MS with 408', async (t) => {
  const { url } = await listen(t, { ...base, REQUEST_TIMEOUT_MS: 1_000 })
  const { closedAfterMs, response } = await slowSender(url)
  t.ok(closedAfterMs >= 900 && closedAfterMs < 2_500, `closed after ${closedAfterMs} ms`)
  t.match(response, /^HTTP\/1\.1 408/)
})

t.test('every app gets Node timeouts: request, connection (above its longest handler) and keep-alive', async (t) => {
  const plain = createServiceApp({ name: 'edge', config: base, logger: false })
  t.equal(plain.server.requestTimeout, 30_000)
  t.equal(plain.server.timeout, 150_000)
  t.equal(plain.server.keepAliveTimeout, 72_000)
  const slow = createServiceApp({
    name: 'edge',
    config: { ...base, CONNECTION_TIMEOUT_MS: 60_000 },
    longestHandlerMs: 300_000,
    logger: false,
  })
  t.equal(slow.server.timeout, 310_000, 'a socket stays open while the longest handler runs, plus a margin')
})

t.test('behind a trusted proxy request.ip is the forwarded client address; untrusted, the socket address', async (t) => {
  // The load balancer appended 203.0.113.7 (the address it saw); 198.51.100.1 is whatever the client claimed.
  for (const [trust, expected] of [
    ['false', '127.0.0.1'],
    ['true', '198.51.100.1'],
    ['1', '203.0.113.7'],
    ['127.0.0.1/8, 10.0.0.0/8', '203.0.113.7'],
    ['10.0.0.0/8', '127.0.0.1'],
  ] as const) {
    const { url } = await listen(t, { ...base, TRUST_PROXY: trust })
    const res = await fetch(new URL('/ip', url), { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' } })
    t.same(await res.json(), { ip: expected }, `TRUST_PROXY=${trust}`)
  }
})

t.test('TRUST_PROXY accepts false, true, a hop count or addresses and CIDRs, and refuses anything else at boot', async (t) => {
  const props = { TRUST_PROXY: BaseConfigProperties.TRUST_PROXY }
  for (const ok of ['false', 'true', '2', '10.0.0.0/8,172.16.0.0/12', 'loopback, 2001:db8::/32']) {
    t.equal(loadConfig(props, { env: { TRUST_PROXY: ok } }).TRUST_PROXY, ok)
  }
  for (const bad of ['yes', 'https://proxy', '10.0.0.0/8;rm']) {
    t.throws(() => loadConfig(props, { env: { TRUST_PROXY: bad } }), ConfigError, bad)
  }
})
