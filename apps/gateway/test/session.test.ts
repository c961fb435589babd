// The web console's session: the token in an httpOnly cookie, and what a cookie may and may not do.
import t from 'tap'
import { createSigner } from 'fast-jwt'
import { errorOf } from '@f1/service-kit/testing'
import type { LightMyRequestResponse } from 'fastify'
import { JWT_SECRET, build, register } from './helper.ts'

const CONSOLE = 'https://console.f1-race-sim.example'
const gatewayEnv = { APP_ORIGINS: `${CONSOLE},http://localhost:5173` }

function sessionCookie(res: LightMyRequestResponse) {
  const cookie = res.cookies.find((c) => c.name === 'f1_session')
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(res.headers['set-cookie'])}`)
  return cookie
}

async function signIn(app: Awaited<ReturnType<typeof build>>['app'], email: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/session', payload: { email, password } })
  return { res, cookie: res.statusCode === 200 ? sessionCookie(res).value : undefined }
}

t.test('a console sign-in sets the token as an httpOnly same-site cookie on /api and answers who, not the token', async (t) => {
  const { app } = await build(t, { gatewayEnv: { ...gatewayEnv, SESSION_COOKIE_SECURE: 'true' } })
  const user = await register(app)
  const { res, cookie } = await signIn(app, user.email.toUpperCase(), user.password)
  t.equal(res.statusCode, 200)
  const body = res.json<Record<string, unknown>>()
  t.match(body, { user_id: user.userId, email: user.email.toLowerCase(), role: 'user' })
  t.notOk('token' in body, 'the token is not in the body')
  t.ok(Math.abs(Date.parse(String(body.expires_at)) - Date.now() - 3600_000) < 60_000, 'expires with the token, in an hour')
  const set = sessionCookie(res)
  t.match(set, { path: '/api', httpOnly: true, sameSite: 'Strict', secure: true, maxAge: 3600 })
  t.equal(app.jwt.decode<{ sub: string }>(cookie!)?.sub, user.userId)
})

t.test('the session cookie signs in reads, and GET /api/auth/session names the user without metering', async (t) => {
  const { app } = await build(t, { gatewayEnv })
  const user = await register(app)
  const { cookie, res } = await signIn(app, user.email, user.password)
  t.notOk(sessionCookie(res).secure, 'the dev stack is plain http')
  const me = await app.inject({ url: '/api/users/me', cookies: { f1_session: cookie! } })
  t.equal(me.statusCode, 200)
  t.equal(me.json<{ profile: { user_id: string } }>().profile.user_id, user.userId)
  const usedBefore = me.json<{ usage: { features: Array<{ feature: string; usage_count: number }> } }>()
  const session = await app.inject({ url: '/api/auth/session', cookies: { f1_session: cookie! } })
  t.equal(session.statusCode, 200)
  t.match(session.json(), { user_id: user.userId, role: 'user' })
  const again = await app.inject({ url: '/api/users/me', cookies: { f1_session: cookie! } })
  const count = (body: typeof usedBefore) => body.usage.features.find((u) => u.feature === 'api_request')?.usage_count ?? 0
  t.equal(count(again.json()), count(usedBefore) + 1, 'the session read cost no api_request; only the second /me did')
})

t.test('a cookie-signed request that changes something needs the console origin: 403 otherwise, nothing written', async (t) => {
  const { app } = await build(t, { gatewayEnv })
  const user = await register(app)
  const { cookie } = await signIn(app, user.email, user.password)
  const post = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/api/simulations',
      cookies: { f1_session: cookie! },
      headers,
      payload: { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'race' },
    })
  const origins: Array<Record<string, string>> = [
    {},
    { origin: 'https://evil.example' },
    { origin: `${CONSOLE}.evil.example` },
    { origin: 'null' },
  ]
  for (const headers of origins) {
    const res = await post(headers)
    t.equal(res.statusCode, 403, JSON.stringify(headers))
    t.equal(errorOf(res).code, 'FORBIDDEN')
  }
  const list = await app.inject({ url: '/api/simulations', cookies: { f1_session: cookie! } })
  t.same(list.json<{ simulations: unknown[] }>().simulations, [], 'no simulation was stored')
  const fromConsole = await post({ origin: CONSOLE })
  t.equal(fromConsole.statusCode, 400, 'from the console the request is checked as usual (it has no strategy)')
  t.equal(errorOf(fromConsole).code, 'VALIDATION_FAILED')
  const withBearer = await app.inject({
    method: 'POST',
    url: '/api/simulations',
    headers: { authorization: `Bearer ${user.token}` },
    payload: { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'race' },
  })
  t.equal(withBearer.statusCode, 400, 'a bearer token needs no origin: it cannot ride along by itself')
  const otherScheme = await post({ authorization: 'Basic Zm9vOmJhcg==' })
  t.equal(otherScheme.statusCode, 403, 'a header that is not a bearer token leaves the cookie to sign in, and its check')
})

t.test('an Authorization header wins over the cookie: a bad bearer with a good cookie is a 401', async (t) => {
  const { app } = await build(t, { gatewayEnv })
  const user = await register(app)
  const { cookie } = await signIn(app, user.email, user.password)
  const res = await app.inject({ url: '/api/users/me', headers: { authorization: 'Bearer not.a.jwt' }, cookies: { f1_session: cookie! } })
  t.equal(res.statusCode, 401)
})

t.test('an expired or forged session cookie is a 401, and no cookie at all names how to sign in', async (t) => {
  const { app } = await build(t, { gatewayEnv })
  const user = await register(app)
  const claims = { sub: user.userId, email: user.email, role: 'user' }
  const expired = createSigner({ key: JWT_SECRET, iss: 'f1-race-sim', aud: 'f1-race-sim-api', expiresIn: 1 })(claims)
  const forged = createSigner({
    key: 'another-secret-another-secret-123456',
    iss: 'f1-race-sim',
    aud: 'f1-race-sim-api',
    expiresIn: 60_000,
  })(claims)
  await new Promise((resolve) => setTimeout(resolve, 20))
  for (const value of [expired, forged, 'garbage']) {
    const res = await app.inject({ url: '/api/auth/session', cookies: { f1_session: value } })
    t.equal(res.statusCode, 401)
    t.equal(errorOf(res).code, 'UNAUTHORIZED')
  }
  const none = await app.inject({ url: '/api/auth/session' })
  t.equal(none.statusCode, 401)
  t.match(errorOf(none).message, /sign in/)
})

t.test('a wrong password sets no cookie; sign-out clears it', async (t) => {
  const { app } = await build(t, { gatewayEnv })
  const user = await register(app)
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/session', payload: { email: user.email, password: 'not the password' } })
  t.equal(wrong.statusCode, 401)
  t.equal(errorOf(wrong).code, 'INVALID_CREDENTIALS')
  t.notOk(wrong.headers['set-cookie'], 'no cookie')
  const out = await app.inject({ method: 'DELETE', url: '/api/auth/session' })
  t.equal(out.statusCode, 204)
  const cleared = sessionCookie(out)
  t.equal(cleared.value, '')
  t.equal(cleared.path, '/api')
  t.ok(cleared.expires !== undefined && cleared.expires.getTime() <= Date.now(), 'expired at once')
})
