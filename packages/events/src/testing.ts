// Test support: a stand-in for the PutEvents API that records calls and answers as told, and a
// valid detail for every contract.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface PutEventsEntry {
  Source: string
  DetailType: string
  Detail: string
  EventBusName?: string
  Time?: number
}

type Answer = { status?: number; body?: object } | 'entries-ok'

/** An HTTP server speaking the PutEvents protocol; `answer` decides each call's response. */
export async function fakeEventBridge(
  t: { teardown(fn: () => unknown): void },
  answer: (entries: PutEventsEntry[], call: number) => Answer = () => 'entries-ok',
) {
  const calls: PutEventsEntry[][] = []
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c))
    req.on('end', () => {
      const entries = (JSON.parse(raw) as { Entries: PutEventsEntry[] }).Entries
      calls.push(entries)
      const result = answer(entries, calls.length)
      const ok = { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `evt-${calls.length}-${i}` })) }
      const { status = 200, body = ok } = result === 'entries-ok' ? {} : result
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
      res.end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, entries: () => calls.flat() }
}
