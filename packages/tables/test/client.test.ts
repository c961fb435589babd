import t from 'tap'
import { createServer, type Socket } from 'node:net'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { createDynamoClients } from '../src/client.ts'
import { isDynamoUnavailable } from '../src/errors.ts'

/** A DynamoDB that accepts connections and never answers, as a stalled (SIGSTOPped) one does. */
async function stalledDynamo(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const sockets: Socket[] = []
  const server = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const address = server.address() as { port: number }
  return `http://127.0.0.1:${address.port}`
}

t.test('a call made under a deadline is aborted when it passes, retries included, as an unavailability', async (t) => {
  const endpoint = await stalledDynamo(t)
  let deadline: number | undefined
  const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint, deadline: () => deadline })
  t.teardown(() => client.destroy())
  deadline = Date.now() + 300
  const started = Date.now()
  const err = await doc.send(new GetCommand({ TableName: 'x', Key: { id: '1' } })).catch((e: unknown) => e)
  const took = Date.now() - started
  t.equal((err as Error).name, 'AbortError')
  t.ok(isDynamoUnavailable(err), 'answered as 503 DEPENDENCY_UNAVAILABLE')
  // Without the deadline the client would wait its per-attempt timeout (5 s) three times.
  t.ok(took < 5_000, `gave up after ${took} ms`)
})

t.test('a signal of the caller wins over the deadline', async (t) => {
  const endpoint = await stalledDynamo(t)
  const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint, deadline: () => Date.now() + 60_000 })
  t.teardown(() => client.destroy())
  const err = await doc
    .send(new GetCommand({ TableName: 'x', Key: { id: '1' } }), { abortSignal: AbortSignal.timeout(100) })
    .catch((e: unknown) => e)
  t.equal((err as Error).name, 'AbortError')
})
