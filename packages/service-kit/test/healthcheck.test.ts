import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { probeHealth } from '../src/healthcheck.ts'

async function listen(status: number): Promise<Server> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/health' ? status : 404
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

const portOf = (server: Server): string => String((server.address() as AddressInfo).port)

t.test("the probe passes when /health answers 200 on the service's port variable, on loopback when it listens everywhere", async (t) => {
  const server = await listen(200)
  t.teardown(() => server.close())
  t.equal(await probeHealth('usage-service', { USAGE_SERVICE_PORT: portOf(server), HOST: '0.0.0.0' }), 0)
  t.equal(await probeHealth('usage-service', { USAGE_SERVICE_PORT: portOf(server), HOST: '127.0.0.1' }), 0)
})

t.test('the probe fails when /health answers another status or nothing listens', async (t) => {
  const server = await listen(503)
  t.equal(await probeHealth('gateway', { GATEWAY_PORT: portOf(server) }), 1)
  const port = portOf(server)
  await new Promise((resolve) => server.close(resolve))
  t.equal(await probeHealth('gateway', { GATEWAY_PORT: port }), 1)
})
