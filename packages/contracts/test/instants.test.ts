import t from 'tap'
import { Compile } from 'typebox/compile'
import Value from 'typebox/value'
import { ActionQuerySchema, LogActionBodySchema } from '../src/actions.ts'
import { canonicalInstant, IsoTimestampSchema } from '../src/common.ts'
import { EVENTS } from '../src/events.ts'

// Every one of these passes the plain `date-time` format; JavaScript's Date throws on, shifts or
// misorders each of them.
const UNREADABLE = [
  '2024-06-30T23:59:60Z', // leap second: new Date(...).toISOString() throws RangeError
  '2016-12-31T23:59:60.5Z',
  '2024-07-01T00:59:60+01:00', // the same leap second in another offset
  '2024-01-01T00:00:00Z[Europe/Paris]', // RFC 9557 suffix: Invalid Date
  '2024-01-01t00:00:00z', // lowercase: RFC 3339 allows it, the log's keys do not
  '0000-01-01T00:00:00Z', // year 0000
]
const NOT_DATES = [
  '2023-02-29T00:00:00Z', // Date would read 1 March
  '2024-02-30T00:00:00Z',
  '2024-04-31T12:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T10:00:00', // no offset
  '+275760-09-13T00:00:00.000Z', // Date's own extended years
  '-000001-01-01T00:00:00.000Z',
  '2024-01-01T00:00:00.1234567890Z', // 10 fraction digits
  '2024-01-01T00:00:00+24:00',
  '',
]
const GOOD = [
  '2026-11-26T10:00:00.000Z',
  '2026-11-26T10:00:00Z',
  '2026-11-26T11:00:00+01:00',
  '2026-11-26T04:30:00-05:30',
  '2024-02-29T23:59:59.999999999Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
]

t.test('a strict instant refuses every date-time that Date cannot read as meant, in both TypeBox checkers', async (t) => {
  // Fastify validates with the compiled checker (TypeBoxValidatorCompiler); the consumer with Value.Check.
  const compiled = Compile(IsoTimestampSchema)
  for (const value of [...UNREADABLE, ...NOT_DATES]) {
    t.notOk(Value.Check(IsoTimestampSchema, value), `Value.Check refuses ${value}`)
    t.notOk(compiled.Check(value), `the compiled check refuses ${value}`)
  }
  for (const value of GOOD) {
    t.ok(Value.Check(IsoTimestampSchema, value), value)
    t.ok(compiled.Check(value), value)
  }
})

t.test('every instant the schema accepts has a canonical form, and the rest have none, without a throw', async (t) => {
  for (const value of GOOD.filter((v) => !v.startsWith('9999'))) {
    const iso = canonicalInstant(value)
    t.equal(iso, new Date(Date.parse(value)).toISOString(), value)
  }
  t.equal(canonicalInstant('2026-11-26T11:00:00+01:00'), '2026-11-26T10:00:00.000Z', 'offsets are normalized to Z')
  t.equal(canonicalInstant('2026-11-26T10:00:00.123456Z'), '2026-11-26T10:00:00.123Z', 'fractions are cut to milliseconds')
  for (const value of [...UNREADABLE, ...NOT_DATES, 42, null, undefined, {}, new Date(Number.NaN), new Date(8.64e15)]) {
    t.equal(canonicalInstant(value), undefined, String(value))
  }
  t.equal(canonicalInstant('9999-12-31T23:59:59-01:00'), undefined, 'an offset that carries it into year 10000 has no 4-digit form')
  t.equal(canonicalInstant(new Date(Date.UTC(2026, 10, 26))), '2026-11-26T00:00:00.000Z')
})

t.test('the action log and every event detail take the strict instant wherever a client sends a time', async (t) => {
  const leap = '2024-06-30T23:59:60Z'
  t.notOk(Value.Check(ActionQuerySchema, { from: leap }))
  t.notOk(Value.Check(ActionQuerySchema, { to: leap }))
  t.ok(Value.Check(ActionQuerySchema, { from: '2024-06-30T23:59:59Z', to: '2024-07-01T00:00:00Z' }))
  const body = { action_id: 'a1', action_type: 'strategy_saved' }
  t.notOk(Value.Check(LogActionBodySchema, { ...body, occurred_at: leap }))
  t.ok(Value.Check(LogActionBodySchema, { ...body, occurred_at: '2024-06-30T23:59:59Z' }))
  for (const [name, contract] of Object.entries(EVENTS)) {
    t.same(contract.detail.properties.occurred_at, IsoTimestampSchema, `${name} takes the strict instant`)
  }
})
