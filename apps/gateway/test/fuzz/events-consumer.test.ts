// Fuzzes the events consumer (POST /events on action-log-service, the bus's target) over real HTTP
// with envelopes drawn from the event contracts: valid, broken in one place, or hostile. A 5xx
// would make the bus retry an event for a day; anything that cannot be processed must be a 4xx.
import t from 'tap'
import fc from 'fast-check'
import { buildApp as buildActionLogService } from '@f1/action-log-service/app'
import { loadActionLogConfig } from '@f1/action-log-service/config'
import { EVENTS, EventEnvelopeSchema } from '@f1/contracts/events'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { useTestTables } from '@f1/tables/testing'
import { hostileValue, invalidValue, passes, unreadableInstant, validValue } from './arbitraries.ts'
import { send, verdict, type FuzzRequest } from './requests.ts'

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
const numRuns = Math.round(300 * Number(process.env.FUZZ_RUNS_FACTOR ?? 1))
const SECRET = 'bus-secret-for-consumer-fuzz'
const contracts = Object.values(EVENTS)

/** A detail following its contract, sometimes with extra fields (contracts let them through) of any value. */
const validDetail = fc.constantFrom(...contracts).chain((contract) =>
  fc
    .tuple(
      validValue(contract.detail),
      fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), hostileValue, { maxKeys: 3, noNullPrototype: true }), {
        nil: undefined,
      }),
    )
    .map(([detail, extra]) => ({ contract, detail: { ...extra, ...(detail as object) } })),
)

const envelopeOf = (detailType: string, source: string, detail: unknown, id: string) => ({
  version: '0',
  id,
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: '2026-11-26T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
})

const eventId = fc.oneof(fc.uuid(), fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }))

/** Envelopes and how they must be answered: `refused` ones break the envelope schema, the contract or the secret. */
const deliveries: fc.Arbitrary<{ envelope: unknown; secret: string; refused: boolean; case: string }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(validDetail, eventId).map(([{ contract, detail }, id]) => ({
      case: 'valid',
      envelope: envelopeOf(contract.detailType, contract.source, detail, id),
      secret: SECRET,
      refused: !passes(contract.detail, detail),
    })),
  },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...contracts)
      .chain((contract) => fc.tuple(fc.constant(contract), invalidValue(contract.detail), eventId))
      .map(([contract, detail, id]) => ({
        case: 'detail breaks its contract',
        envelope: envelopeOf(contract.detailType, contract.source, detail, id),
        secret: SECRET,
        refused: !passes(contract.detail, detail),
      })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(validDetail, unreadableInstant, eventId).map(([{ contract, detail }, at, id]) => ({
      case: 'occurred_at Date cannot hold',
      envelope: envelopeOf(contract.detailType, contract.source, { ...detail, occurred_at: at }, id),
      secret: SECRET,
      refused: true,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validDetail, eventId, fc.constantFrom(...contracts.map((c) => c.source), 'f1.attacker', ''))
      .map(([{ contract, detail }, id, source]) => ({
        case: 'source does not publish the detail-type',
        envelope: envelopeOf(contract.detailType, source, detail, id),
        secret: SECRET,
        refused: source !== contract.source,
      })),
  },
  {
    weight: 2,
    arbitrary: invalidValue(EventEnvelopeSchema).map((envelope) => ({
      case: 'envelope breaks its schema',
      envelope,
      secret: SECRET,
      refused: !passes(EventEnvelopeSchema, envelope),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validDetail, eventId, fc.constantFrom('', 'wrong-secret', `${SECRET}x`, SECRET.slice(1)))
      .map(([{ contract, detail }, id, secret]) => ({
        case: 'bus secret missing or wrong',
        envelope: envelopeOf(contract.detailType, contract.source, detail, id),
        secret,
        refused: true,
      })),
  },
)

t.test('no delivery to the events consumer is answered with a 5xx, and none that cannot be processed is a 2xx', async (t) => {
  t.comment(`fast-check seed ${seed}, ${numRuns} runs (FUZZ_SEED=${seed} reproduces this run)`)
  const tables = await useTestTables(t, ['actions'])
  const app = await buildActionLogService(
    loadActionLogConfig({
      env: {
        ...serviceTokenEnv('action-log-service'),
        DYNAMODB_ENDPOINT: tables.endpoint,
        USER_ACTIONS_LOG_TABLE: tables.names.actions,
        EVENT_BUS_SECRET: SECRET,
      },
    }),
    { logger: false },
  )
  t.teardown(() => app.close())
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const outcomes = new Map<string, number>()

  await fc.assert(
    fc.asyncProperty(deliveries, async (delivery) => {
      const req: FuzzRequest = {
        case: delivery.case,
        method: 'POST',
        target: '/events',
        auth: 'none',
        headers: { 'content-type': 'application/json', ...(delivery.secret ? { 'x-bus-secret': delivery.secret } : {}) },
        body: JSON.stringify(delivery.envelope),
        expect: delivery.refused ? 'refused' : 'any',
      }
      const answer = await send(url, req, { user: '', admin: '' })
      const key = `${delivery.case}: ${answer.status}`
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
      const problem = verdict(req, answer)
      if (problem) throw new Error(problem)
    }),
    { seed, numRuns, includeErrorInReport: true },
  )
  t.comment(
    [...outcomes]
      .sort()
      .map(([k, n]) => `${k} x${n}`)
      .join('\n'),
  )
  t.ok(
    [...outcomes.keys()].some((k) => k === 'valid: 200'),
    'valid events were processed',
  )
})
