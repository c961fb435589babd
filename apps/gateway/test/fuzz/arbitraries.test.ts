// The fuzzers are only as good as their generators: valid values must pass the schemas they come
// from (checked by TypeBox, the apps' validator), and the date-times Date cannot hold must not.
import t from 'tap'
import fc from 'fast-check'
import Type from 'typebox'
import { ActionQuerySchema, LogActionBodySchema } from '@f1/contracts/actions'
import { LoginBodySchema, RegisterBodySchema } from '@f1/contracts/auth'
import { IsoTimestampSchema } from '@f1/contracts/common'
import { EVENTS } from '@f1/contracts/events'
import { OptimizeBodySchema, SimulationListQuerySchema, SimulationRequestSchema } from '@f1/contracts/simulations'
import { CheckoutBodySchema } from '@f1/contracts/subscriptions'
import { ConsumeBodySchema } from '@f1/contracts/usage'
import {
  edgeInstant,
  instant,
  invalidValue,
  passes,
  unreadableInstant,
  validValue,
  type JsonSchema,
  type SchemaLike,
} from './arbitraries.ts'
import { operationsOf, requestsFor, verdict } from './requests.ts'

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
t.comment(`fast-check seed ${seed} (FUZZ_SEED=${seed} reproduces this run)`)

const SCHEMAS: Record<string, SchemaLike> = {
  'a register body': RegisterBodySchema,
  'a login body': LoginBodySchema,
  'a checkout body': CheckoutBodySchema,
  'a simulation request': SimulationRequestSchema,
  'an optimize body': OptimizeBodySchema,
  'a simulation list query': SimulationListQuerySchema,
  'an action log body': LogActionBodySchema,
  'an action query': ActionQuerySchema,
  'a consume body': ConsumeBodySchema,
  'a union with null and a record': Type.Object({
    a: Type.Union([Type.Null(), Type.Literal(3), Type.String({ minLength: 2, maxLength: 4 })]),
    b: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    c: Type.Array(Type.Number({ minimum: -1, maximum: 1 }), { minItems: 1, maxItems: 2 }),
  }),
  ...Object.fromEntries(Object.entries(EVENTS).map(([name, contract]) => [`the ${name} detail`, contract.detail])),
}

for (const [name, schema] of Object.entries(SCHEMAS)) {
  t.test(`every valid value drawn from ${name} passes it`, async (t) => {
    fc.assert(
      fc.property(validValue(schema), (value) => passes(schema, value)),
      { seed, numRuns: 150 },
    )
    t.pass('150 values passed')
  })
}

t.test('the invalid values drawn from a schema are mostly refused by it, and so exercise the validator', async (t) => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const samples = fc.sample(invalidValue(schema), { seed, numRuns: 200 })
    const refused = samples.filter((value) => !passes(schema, value)).length
    t.ok(refused >= 150, `${name}: ${refused} of 200 refused`)
  }
})

t.test('generated instants are strict ones, including the edges; leap seconds and impossible dates are not', async (t) => {
  fc.assert(
    fc.property(fc.oneof(instant, edgeInstant), (value) => passes(IsoTimestampSchema, value)),
    { seed, numRuns: 500 },
  )
  fc.assert(
    fc.property(unreadableInstant, (value) => !passes(IsoTimestampSchema, value)),
    { seed, numRuns: 100 },
  )
  t.pass('instants checked')
})

t.test('a caller can narrow a schema while values are drawn, e.g. to cap an expensive size', async (t) => {
  const narrow = (schema: JsonSchema, key: string | undefined) => (key === 'runs' ? { ...schema, maximum: 5 } : schema)
  fc.assert(
    fc.property(validValue(SimulationRequestSchema, { narrow }), (value) => ((value as { runs?: number }).runs ?? 0) <= 5),
    { seed, numRuns: 200 },
  )
  t.pass('runs stayed at 5 or below')
})

// A small document in the shape @fastify/swagger publishes.
const document = {
  paths: {
    '/api/things/{thingId}': {
      get: {
        tags: ['things'],
        security: [{ bearerAuth: [] }],
        parameters: [
          { in: 'path', name: 'thingId', required: true, schema: { type: 'string', pattern: '^[a-z0-9]+$', maxLength: 16 } },
          { in: 'query', name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 10 } },
        ],
      },
    },
    '/api/admin/things': {
      post: {
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
      },
    },
    '/health': { get: {} },
  },
  components: {
    schemas: { Thing: { type: 'object', required: ['name'], properties: { name: { type: 'string' } }, additionalProperties: false } },
  },
}

t.test('operations come from the document with their auth, parameters and body, references resolved', async (t) => {
  const ops = operationsOf(document)
  t.match(ops, [
    {
      method: 'GET',
      path: '/api/things/{thingId}',
      auth: 'user',
      params: [{ name: 'thingId' }],
      query: [{ name: 'limit', required: false }],
    },
    {
      method: 'POST',
      path: '/api/admin/things',
      auth: 'admin',
      body: { required: true, schema: { required: ['name'], additionalProperties: false } },
    },
    { method: 'GET', path: '/health', auth: 'none', params: [], query: [] },
  ])
})

t.test('a request marked refused really breaks its route, and a valid one follows it', async (t) => {
  const [get] = operationsOf(document)
  const options = { forgedAuthorizations: ['Bearer forged'], bodyLimitBytes: 1024 }
  const samples = fc.sample(requestsFor(get!, options), { seed, numRuns: 300 })
  for (const req of samples.filter((r) => r.case === 'valid')) {
    const url = new URL(req.target, 'http://x')
    t.ok(/^\/api\/things\/[a-z0-9]+$/.test(url.pathname), req.target)
    const limit = url.searchParams.get('limit')
    t.ok(limit === null || (Number(limit) >= 1 && Number(limit) <= 10), req.target)
    t.equal(req.expect, 'any')
  }
  const refused = samples.filter((r) => r.expect === 'refused')
  t.ok(refused.length > 50, `${refused.length} of 300 must be refused`)
  for (const req of refused.filter((r) => r.case.startsWith('query limit'))) {
    const limit = new URL(req.target, 'http://x').searchParams.getAll('limit')
    t.notOk(limit.length === 1 && /^\d+$/.test(limit[0]!) && Number(limit[0]) >= 1 && Number(limit[0]) <= 10, req.target)
  }
})

t.test('the verdict fails a 5xx, a 4xx without the error shape, and a refused request that was accepted', async (t) => {
  const req = { case: 'valid', method: 'GET', target: '/', auth: 'none' as const, headers: {}, expect: 'any' as const }
  const answer = (status: number, body: unknown) => ({ status, headers: {}, body: JSON.stringify(body) })
  t.match(verdict(req, answer(502, { error: { code: 'UPSTREAM_ERROR', message: 'x' } })), /answered 502/)
  t.match(verdict(req, answer(400, { error: 'Bad Request', message: 'x', statusCode: 400 })), /without the error shape/)
  t.equal(verdict(req, answer(429, { error: { code: 'QUOTA_EXCEEDED', message: 'x' } })), undefined)
  t.equal(verdict(req, answer(200, {})), undefined)
  t.match(verdict({ ...req, expect: 'refused' }, answer(200, {})), /accepted \(200\)/)
})
