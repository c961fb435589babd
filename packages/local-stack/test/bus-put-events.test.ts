import t from 'tap'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { CONSUMERS, RULES } from '@f1/events/rules'
import type { LocalBusOptions } from '../src/bus/server.ts'
import { BUS, entry, rejectionOf, sdkClient, startBusAndConsumer, startQueueConsumer, startTestBus, type TapTest } from './bus-helper.ts'

/** A bus, a consumer polling the action log's queue, and the EventBridge client. */
async function setup(t: TapTest, options: Partial<LocalBusOptions> = {}) {
  const { bus, target } = await startBusAndConsumer(t, options)
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  return { target, bus, client }
}

t.test("an event put with the real SDK lands on the matching target's queue as the EventBridge event, exactly", async (t) => {
  const { target, bus, client } = await setup(t)
  const time = new Date('2025-03-04T05:06:07.890Z')
  const out = await client.send(
    new PutEventsCommand({ Entries: [entry({ Time: time, Resources: ['arn:aws:f1:::user/u-1'] }, { user_id: 'u-42' })] }),
  )
  t.equal(out.FailedEntryCount, 0)
  const eventId = out.Entries?.[0]?.EventId
  t.match(eventId, /^[0-9a-f-]{36}$/)

  await target.waitFor(1)
  const [request] = target.received
  t.equal(request?.receiveCount, 1)
  t.same(request?.body, {
    version: '0',
    id: eventId,
    'detail-type': 'User Signed In',
    source: 'f1.gateway',
    account: '000000000000',
    time: '2025-03-04T05:06:07Z',
    region: 'us-east-1',
    resources: ['arn:aws:f1:::user/u-1'],
    detail: {
      event_id: '01JD00000000000000000000AA',
      user_id: 'u-42',
      occurred_at: '2025-01-01T00:00:00.000Z',
      correlation_id: 'req-1',
      version: 1,
    },
  })
  await target.drained()
  t.match(bus.stats(), { entriesAccepted: 1, delivered: 1, deadLettered: 0 })
  t.equal(target.received.length, 1, 'once')
})

t.test('the event region is the one the SDK client signs for, and the time defaults to now', async (t) => {
  const { target, bus } = await setup(t)
  const client = sdkClient(bus.url, 'eu-west-3')
  t.teardown(() => client.destroy())
  const before = Date.now()
  await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await target.waitFor(1)
  const body = target.received[0]?.body
  t.equal(body?.region, 'eu-west-3')
  t.ok(Date.parse(String(body?.time)) >= Math.floor(before / 1000) * 1000, 'time is the put time, to the second')
})

t.test('PutEvents with 11 entries throws the ValidationException EventBridge gives and delivers nothing', async (t) => {
  const { target, client } = await setup(t)
  const entries = Array.from({ length: 11 }, () => ({
    Source: 'core.update-account-command',
    DetailType: 'core.update-account-command',
    Detail: '{"command": "update-account"}',
  }))
  const err = await rejectionOf(client.send(new PutEventsCommand({ Entries: entries })))
  t.equal(err.name, 'ValidationException')
  t.equal(err.$metadata?.httpStatusCode, 400)
  // The wording EventBridge returns (recorded from AWS), one PutEventsRequestEntry(...) per entry.
  const one =
    'PutEventsRequestEntry(time=null, source=core.update-account-command, resources=null, detailType=core.update-account-command, ' +
    'detail={"command": "update-account"}, eventBusName=null, traceHeader=null, kmsKeyIdentifier=null, internalMetadata=null)'
  t.equal(
    err.message,
    `1 validation error detected: Value '[${Array(11).fill(one).join(', ')}]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`,
  )
  const ten = await client.send(new PutEventsCommand({ Entries: entries.slice(0, 10) }))
  t.equal(ten.FailedEntryCount, 0, '10 entries are accepted')
  await target.drained()
  t.equal(target.received.length, 0, 'no rule matched these; nothing was delivered')
})

t.test('a detail that is not a JSON object fails its own entry with MalformedDetail; the SDK does not throw', async (t) => {
  const { target, client } = await setup(t)
  const out = await client.send(
    new PutEventsCommand({
      Entries: [
        entry(),
        entry({ Detail: '"just a string"' }),
        entry({ Detail: '[1, 2]' }),
        entry({ Detail: '{not json' }),
        entry({ Detail: 'null' }),
      ],
    }),
  )
  t.equal(out.FailedEntryCount, 4)
  t.equal(out.Entries?.length, 5, 'one result per entry, in order')
  t.ok(out.Entries?.[0]?.EventId)
  for (const result of out.Entries?.slice(1) ?? []) t.same(result, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' })
  await target.drained()
  t.equal(target.received.length, 1, 'only the valid entry was delivered')
})

t.test('entries without Source, DetailType or Detail fail with the InvalidArgument messages EventBridge gives', async (t) => {
  const { client } = await setup(t)
  const out = await client.send(
    new PutEventsCommand({
      Entries: [
        { DetailType: 'x', Detail: '{}' },
        { Source: 'x', Detail: '{}' },
        { Source: 'x', DetailType: 'x' },
      ],
    }),
  )
  t.equal(out.FailedEntryCount, 3)
  t.same(out.Entries, [
    { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
    { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
    { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
  ])
})

t.test('entries over 256 KB in total are refused whole, with the size error EventBridge gives', async (t) => {
  const { client } = await setup(t)
  const big = JSON.stringify({ blob: 'x'.repeat(130 * 1024) })
  const err = await rejectionOf(client.send(new PutEventsCommand({ Entries: [entry({ Detail: big }), entry({ Detail: big })] })))
  t.equal(err.name, 'ValidationException')
  t.equal(err.message, 'Total size of the entries in the request is over the limit.')
  const out = await client.send(new PutEventsCommand({ Entries: [entry({ Detail: big })] }))
  t.equal(out.FailedEntryCount, 0, 'one 130 KB entry fits')
})

t.test('an entry for a bus that does not exist fails while the others are accepted', async (t) => {
  const { target, client } = await setup(t)
  const out = await client.send(
    new PutEventsCommand({
      Entries: [entry({ EventBusName: 'no-such-bus' }), entry({ EventBusName: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}` })],
    }),
  )
  t.equal(out.FailedEntryCount, 1)
  t.same(out.Entries?.[0], { ErrorCode: 'InvalidArgument', ErrorMessage: 'Event bus no-such-bus does not exist.' })
  t.ok(out.Entries?.[1]?.EventId, 'a bus ARN names the bus too')
  await target.drained()
  t.equal(target.received.length, 1)
})

t.test('events that match no rule are accepted and dropped, as are events on the default bus', async (t) => {
  const { target, bus, client } = await setup(t)
  const out = await client.send(
    new PutEventsCommand({
      Entries: [entry({ Source: 'f1.usage', DetailType: 'Usage Limit Reached' }), entry({ EventBusName: undefined })],
    }),
  )
  t.equal(out.FailedEntryCount, 0)
  await target.drained()
  t.equal(target.received.length, 0)
  t.match(bus.stats(), { entriesAccepted: 2, unmatched: 2, scheduled: 0 })
})

t.test("with the project's rules one event lands on the queue of every consumer whose rule matches it, and only there", async (t) => {
  const { bus, client, target: actionLog } = await setup(t, { rules: RULES })
  const [usage, migrator] = await Promise.all(
    (['usage-service', 'migrator'] as const).map((consumer) => startQueueConsumer(() => bus, { consumer })),
  )
  if (!usage || !migrator) throw new Error('two consumers expected')
  t.teardown(() => Promise.all([usage.close(), migrator.close()]))
  await client.send(new PutEventsCommand({ Entries: [entry({ DetailType: 'User Registered' }, { email: 'a@b.c', name: 'A' })] }))
  await Promise.all([actionLog, usage, migrator].map((consumer) => consumer.drained()))
  t.equal(actionLog.received.length, 1)
  t.equal(migrator.received.length, 1)
  t.equal(usage.received.length, 0, 'no rule for usage-service matches a registration')
  t.equal(actionLog.received[0]?.body.id, migrator.received[0]?.body.id, 'the same event, by id')
  t.same(Object.keys(bus.queues).sort(), [...CONSUMERS].sort(), 'a queue per consumer')
})

t.test('the bus answers GET /health for readiness and refuses operations it does not implement', async (t) => {
  const { bus } = await setup(t)
  const health = await fetch(`${bus.url}/health`)
  t.equal(health.status, 200)
  t.match(await health.json(), { status: 'ok', bus: BUS, rules: 1, sqs: bus.sqsEndpoint })
  const other = await fetch(bus.url, {
    method: 'POST',
    headers: { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
  })
  t.equal(other.status, 400)
  t.match(await other.json(), { __type: 'UnknownOperationException' })
})

t.test('a bus cannot start on a port that is taken', async (t) => {
  const { bus } = await setup(t)
  await t.rejects(startTestBus(t, { port: bus.port }), /Port \d+ is already in use.+EVENT_BUS_PORT/)
  await t.rejects(startTestBus(t, { queuePort: bus.queuePort }), /Port \d+ is already in use.+EVENT_QUEUE_PORT/)
})
