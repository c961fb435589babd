// One trace across processes' boundaries: a request, the service it calls, that service's DynamoDB
// writes and its outbox event, and the consumer that handles the event. Real HTTP and DynamoDB
// Local; spans are read from memory. Tracing is global to a process, so it has a test file of its own.
import t from 'tap'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { createServiceApp } from '@f1/service-kit'
import { createServiceClient } from '@f1/service-kit/service-client'
import { recordSpansInMemory, type ReadableSpan } from '@f1/service-kit/tracing'
import { useTestTables } from '@f1/tables/testing'
import type { EventEnvelope } from '@f1/contracts/events'
import { handleEnvelope } from '../src/envelope.ts'
import { outboxEvent, writeOutboxEvent } from '../src/outbox.ts'

const spans = recordSpansInMemory()
t.teardown(() => spans.shutdown())

const config = { LOG_LEVEL: 'info' as const, BODY_LIMIT_BYTES: 1_048_576 }

function logLines() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { lines, stream }
}

const byName = (name: string) => {
  const found = spans.spans().filter((span) => span.name === name)
  if (found.length !== 1)
    throw new Error(
      `expected one span named ${name}, found ${found.length}: ${spans
        .spans()
        .map((span) => span.name)
        .join(', ')}`,
    )
  return found[0]!
}
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

t.test('a request, the service it calls, its DynamoDB write and the consumer of its event make one trace', async (t) => {
  const tables = await useTestTables(t, ['usage'])
  const calleeLogs = logLines()
  const callee = createServiceApp({ name: 'callee', config, logger: { stream: calleeLogs.stream } })
  const written: { detail?: string } = {}
  callee.post('/work', async (request) => {
    const event = outboxEvent(
      'usage',
      'UsageLimitReached',
      { userId: 'u-1', correlationId: request.id },
      {
        feature: 'api_request',
        date: '2026-12-02',
        usage_count: 5,
        limit_value: 5,
      },
    )
    await writeOutboxEvent(tables.doc, tables.names.usage, event)
    written.detail = String(event.item.outbox_detail)
    request.log.info('wrote the event')
    return { ok: true }
  })
  await callee.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => callee.close())

  const caller = createServiceApp({ name: 'caller', config, logger: false })
  const client = createServiceClient({
    name: 'callee',
    baseUrl: `http://127.0.0.1:${(callee.server.address() as AddressInfo).port}`,
    serviceToken: 'token',
  })
  caller.post('/start', async () => client.call({ method: 'POST', path: '/work', body: {} }))
  t.teardown(() => caller.close())

  const res = await caller.inject({ method: 'POST', url: '/start', headers: { 'content-type': 'application/json' }, payload: '{}' })
  t.equal(res.statusCode, 200)

  const detail = JSON.parse(written.detail!) as Record<string, unknown>
  const envelope: EventEnvelope = {
    version: '0',
    id: 'bus-1',
    'detail-type': 'Usage Limit Reached',
    source: 'f1.usage',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  }
  const outcome = await handleEnvelope(
    {
      handlers: {
        UsageLimitReached: async () =>
          tables.doc.send(new GetCommand({ TableName: tables.names.usage, Key: { user_id: 'u-1', feature_date_key: 'x' } })),
      },
    },
    envelope,
    callee.log,
  )
  t.equal(outcome, 'processed')

  const start = byName('POST /start')
  const call = byName('POST')
  const work = byName('POST /work')
  const put = byName('DynamoDB.PutItem')
  const consume = byName('process Usage Limit Reached')
  const get = byName('DynamoDB.GetItem')
  const traceId = start.spanContext().traceId
  for (const span of [call, work, put, consume, get]) t.equal(span.spanContext().traceId, traceId, `${span.name} is in the request's trace`)
  t.equal(parentOf(call), start.spanContext().spanId, 'the service call is a child of the request')
  t.equal(parentOf(work), call.spanContext().spanId, "the callee's request continues the caller's call (traceparent over HTTP)")
  t.equal(parentOf(put), work.spanContext().spanId, 'the DynamoDB write is a child of the request that made it')
  t.match(
    detail.traceparent,
    new RegExp(`^00-${traceId}-${work.spanContext().spanId}-01$`),
    'the event carries the trace of the work that caused it',
  )
  t.equal(parentOf(consume), work.spanContext().spanId, "the consumer's span continues the event's trace")
  t.equal(parentOf(get), consume.spanContext().spanId, "the handler's DynamoDB call is a child of the consumer's span")
  t.same(put.attributes['aws.dynamodb.table_names'], [tables.names.usage])
  t.equal(work.attributes['http.response.status_code'], 200)

  const logged = calleeLogs.lines.find((line) => line.msg === 'wrote the event')
  t.equal(logged?.trace_id, traceId, 'a log line written in a traced request names the trace')
  t.equal(logged?.span_id, work.spanContext().spanId)
})

t.test('AWS calls outside any trace (background polls) record no span', async (t) => {
  const tables = await useTestTables(t, ['usage'])
  spans.reset()
  await tables.doc.send(new GetCommand({ TableName: tables.names.usage, Key: { user_id: 'u-1', feature_date_key: 'x' } }))
  t.same(
    spans.spans().map((span) => span.name),
    [],
  )
})

t.test('an event that carries no trace starts a trace of its own; a failed handler marks its span as an error', async (t) => {
  spans.reset()
  const detail = {
    event_id: '01JDB3Q7Y2K8N9P0R5S6T7V8W9',
    user_id: 'u-1',
    occurred_at: new Date().toISOString(),
    correlation_id: 'r',
    version: 1,
  }
  const envelope: EventEnvelope = {
    version: '0',
    id: 'bus-2',
    'detail-type': 'User Signed In',
    source: 'f1.gateway',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  }
  await t.rejects(
    handleEnvelope(
      { handlers: { UserSignedIn: async () => Promise.reject(new Error('store down')) } },
      envelope,
      createServiceApp({ name: 'x', config, logger: false }).log,
    ),
  )
  const [span] = spans.spans()
  t.equal(span?.name, 'process User Signed In')
  t.equal(span?.parentSpanContext, undefined, 'a root span')
  t.equal(span?.status.code, 2)
  t.equal(span?.status.message, 'store down')
})

t.test('load balancer probes are answered but not traced', async (t) => {
  spans.reset()
  const app = createServiceApp({ name: 'probed', config, logger: false })
  t.teardown(() => app.close())
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
  t.same(
    spans.spans().map((span) => span.name),
    [],
  )
})
