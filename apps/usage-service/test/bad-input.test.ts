import t from 'tap'
import { errorOf } from '@f1/service-kit/testing'
import { auth, build, userId } from './helper.ts'

const cases: Array<[string, unknown, string]> = [
  ['an unknown field', { feature: 'api_request', limit: 5, bonus: 1 }, 'VALIDATION_FAILED'],
  ['a number sent as a string', { feature: 'api_request', limit: '5' }, 'VALIDATION_FAILED'],
  ['an unknown feature', { feature: 'teleport', limit: 5 }, 'VALIDATION_FAILED'],
  ['a missing limit', { feature: 'api_request' }, 'VALIDATION_FAILED'],
  ['a zero amount', { feature: 'api_request', limit: 5, amount: 0 }, 'VALIDATION_FAILED'],
  ['a fractional amount', { feature: 'api_request', limit: 5, amount: 1.5 }, 'VALIDATION_FAILED'],
  ['a negative limit', { feature: 'api_request', limit: -1 }, 'VALIDATION_FAILED'],
]

for (const [what, payload, code] of cases) {
  t.test(`consume with ${what} is a 400 ${code} and writes nothing`, async (t) => {
    const { app } = await build(t)
    const user = userId()
    const res = await app.inject({ method: 'POST', url: `/users/${user}/usage/consume`, headers: auth, payload: payload as object })
    t.equal(res.statusCode, 400)
    t.equal(errorOf(res).code, code)
    t.same((await app.inject({ url: `/users/${user}/usage`, headers: auth })).json().features, [])
  })
}

t.test('malformed JSON is a 400 INVALID_JSON', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: `/users/${userId()}/usage/consume`,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{"feature":',
  })
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'INVALID_JSON')
})

t.test('a body over the size limit is a 413', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: `/users/${userId()}/usage/consume`,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: JSON.stringify({ feature: 'api_request', limit: 5, pad: 'x'.repeat(2_000_000) }),
  })
  t.equal(res.statusCode, 413)
  t.equal(errorOf(res).code, 'PAYLOAD_TOO_LARGE')
})

t.test('a user id that could break out of its key is refused', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/users/a%23b/usage/consume',
    headers: auth,
    payload: { feature: 'api_request', limit: 5 },
  })
  t.equal(res.statusCode, 400)
})

t.test('every usage route needs the service token', async (t) => {
  const { app } = await build(t)
  const user = userId()
  for (const req of [
    { method: 'POST' as const, url: `/users/${user}/usage/consume`, payload: { feature: 'api_request', limit: 5 } },
    { method: 'POST' as const, url: `/users/${user}/charges`, payload: {} },
    { method: 'POST' as const, url: `/users/${user}/charges/01JD0000000000000000000000/refund`, payload: {} },
    { method: 'GET' as const, url: `/users/${user}/charges/01JD0000000000000000000000` },
    { method: 'GET' as const, url: `/users/${user}/usage` },
  ]) {
    const res = await app.inject(req)
    t.equal(res.statusCode, 401, `${req.method} ${req.url}`)
    t.equal(errorOf(res).code, 'UNAUTHORIZED')
  }
})

t.test('a date that is not a calendar day is a 400', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ url: `/users/${userId()}/usage?date=2026-02-30`, headers: auth })).statusCode, 400)
  t.equal((await app.inject({ url: `/users/${userId()}/usage?date=yesterday`, headers: auth })).statusCode, 400)
})
