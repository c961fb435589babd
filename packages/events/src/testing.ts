// Test support: a stand-in for the PutEvents API that records calls and answers as told, and a
// valid detail for every contract.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

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

/** An event as a test sees it in an outbox: what the relay would put on the bus. */
export interface OutboxRecord {
  eventId: string
  type: string
  source: string
  detail: Record<string, unknown>
}

/**
 * The events in a table's outbox, oldest first (event ids are ULIDs): what a producer wrote with its
 * state changes, read straight from DynamoDB (tests of a producer need no relay or bus).
 */
export async function outboxEvents(doc: DynamoDBDocumentClient, tableName: string): Promise<OutboxRecord[]> {
  const items: Array<Record<string, unknown>> = []
  let startKey: Record<string, unknown> | undefined
  do {
    const res = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'attribute_exists(outbox_event_id)',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    )
    items.push(...(res.Items ?? []))
    startKey = res.LastEvaluatedKey
  } while (startKey)
  return items
    .map((item) => ({
      eventId: String(item.outbox_event_id),
      type: String(item.outbox_detail_type),
      source: String(item.outbox_source),
      detail: JSON.parse(String(item.outbox_detail)) as Record<string, unknown>,
    }))
    .sort((a, b) => (a.eventId < b.eventId ? -1 : 1))
}
