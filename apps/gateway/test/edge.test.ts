// The gateway's edge under abuse: attempt limits, bounded hashing, CORS, security headers, load shedding.
import t from 'tap'
import underPressure from '@fastify/under-pressure'
import { createServiceApp } from '@f1/service-kit'
import { loadShedding } from '@f1/service-kit/load-shedding'
import { errorOf, serviceTokenEnv } from '@f1/service-kit/testing'
import { createPasswordHasher, DUMMY_HASH } from '../src/lib/passwords.ts'
import { build, register, uniqueEmail } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

const login = (app: App, email: string, options: { remoteAddress?: string; forwardedFor?: string } = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'wrong password' },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    ...(options.forwardedFor ? { headers: { 'x-forwarded-for': options.forwardedFor } } : {}),
  })

/** Lags the event loop for `totalMs` in blocked slices, as runaway synchronous work would; every sample taken meanwhile sees it. */
async function lagEventLoop(totalMs: number, sliceMs: number): Promise<void> {
  const end = Date.now() + totalMs
  while (Date.now() < end) {
    const until = Date.now() + sliceMs
    while (Date.now() < until) {
      // busy
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
}

t.test('a login flood from one address gets 429 RATE_LIMITED with Retry-After; other addresses still get answers', async (t) => {
  const { app } = await build(t, { gatewayEnv: { RATE_LIMIT_LOGIN_PER_ADDRESS: '5', RATE_LIMIT_LOGIN_WINDOW_S: '60' } })
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => login(app, uniqueEmail(`flood${i}`), { remoteAddress: '203.0.113.5' })),
  )
  t.equal(results.filter((r) => r.statusCode === 401).length, 5, 'exactly the limit is let through')
  const limited = results.filter((r) => r.statusCode === 429)
  t.equal(limited.length, 7)
  for (const res of limited) {
    t.equal(errorOf(res).code, 'RATE_LIMITED')
    t.ok(Number(res.headers['retry-after']) >= 1 && Number(res.headers['retry-after']) <= 60, `Retry-After ${res.headers['retry-after']}`)
  }
  t.match(errorOf(limited[0]!), {
    message: /^Too many login attempts from this address; retry in \d+ s$/,
    details: { limit: 5, window_s: 60 },
  })
  t.equal((await login(app, uniqueEmail(), { remoteAddress: '198.51.100.9' })).statusCode, 401, 'another address is not limited')
})

t.test('logins for one email are limited across addresses (behind a trusted proxy, the address is X-Forwarded-For)', async (t) => {
  const { app } = await build(t, {
    gatewayEnv: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_LOGIN_PER_EMAIL: '3', RATE_LIMIT_LOGIN_PER_ADDRESS: '100' },
  })
  const victim = await register(app)
  const statuses = []
  for (let i = 1; i <= 5; i++) {
    // Each attempt from another client address; case does not make another email.
    const email = i % 2 ? victim.email.toUpperCase() : victim.email
    statuses.push((await login(app, email, { forwardedFor: `192.0.2.${i}` })).statusCode)
  }
  t.same(statuses, [401, 401, 401, 429, 429])
  const limited = await login(app, victim.email, { forwardedFor: '192.0.2.99' })
  t.equal(errorOf(limited).code, 'RATE_LIMITED')
  t.match(errorOf(limited).message, /login attempts for this email/)
  t.ok(Number(limited.headers['retry-after']) > 800, 'the email window is 15 minutes')
  t.equal(
    (await login(app, uniqueEmail(), { forwardedFor: '192.0.2.1' })).statusCode,
    401,
    'another email from the same address is not limited',
  )
})

t.test('registrations from one address are limited; the 429 is RATE_LIMITED, never the plan quota QUOTA_EXCEEDED', async (t) => {
  const { app } = await build(t, { gatewayEnv: { RATE_LIMIT_REGISTER_PER_ADDRESS: '2' } })
  const attempt = () =>
    app.inject({
      method: 'POST',
      url: '/api/auth/register',
      remoteAddress: '203.0.113.77',
      payload: { email: uniqueEmail('signup'), password: 'long enough password', name: 'Spam' },
    })
  t.equal((await attempt()).statusCode, 201)
  t.equal((await attempt()).statusCode, 201)
  const third = await attempt()
  t.equal(third.statusCode, 429)
  t.equal(errorOf(third).code, 'RATE_LIMITED')
  t.match(errorOf(third).message, /registrations from this address/)
  t.ok(third.headers['retry-after'])
})

t.test(
  'at most concurrency + maxQueue sign-ins are admitted; the rest are refused at once with 503 AUTH_BUSY and Retry-After',
  async (t) => {
    const hasher = createPasswordHasher({ concurrency: 2, maxQueue: 3 })
    let admitted = 0
    let mostAtOnce = 0
    const signIn = () =>
      hasher.admit(async () => {
        mostAtOnce = Math.max(mostAtOnce, ++admitted)
        try {
          return await hasher.verify('guess', DUMMY_HASH)
        } finally {
          admitted -= 1
        }
      })
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, signIn))
    t.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 5, '2 hashing + 3 waiting')
    t.equal(mostAtOnce, 5)
    const refused = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => o.reason as Record<string, unknown>)
    t.equal(refused.length, 5)
    for (const err of refused) t.match(err, { code: 'AUTH_BUSY', statusCode: 503, headers: { 'retry-after': '2' } })
    t.equal(await signIn(), false, 'once the line drained, sign-ins are admitted again')
  },
)

t.test('a login flood past the hashing line answers 401 or 503 AUTH_BUSY with Retry-After, never another 5xx', async (t) => {
  const { app } = await build(t, {
    gatewayEnv: {
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE: '1',
      RATE_LIMIT_LOGIN_PER_ADDRESS: '1000',
      RATE_LIMIT_LOGIN_PER_EMAIL: '1000',
    },
  })
  const user = await register(app)
  const results = await Promise.all(Array.from({ length: 30 }, () => login(app, user.email)))
  const statuses = new Set(results.map((r) => r.statusCode))
  t.same(
    [...statuses].filter((s) => s !== 401 && s !== 503),
    [],
    `statuses: ${[...statuses].join(', ')}`,
  )
  const busy = results.filter((r) => r.statusCode === 503)
  t.ok(busy.length > 0, `${busy.length} refused`)
  for (const res of busy) {
    t.equal(errorOf(res).code, 'AUTH_BUSY')
    t.ok(res.headers['retry-after'])
  }
})

t.test('a CORS preflight from an app origin is allowed; from another origin it gets no Access-Control-Allow-Origin', async (t) => {
  const { app } = await build(t, { gatewayEnv: { APP_ORIGINS: 'https://console.f1-race-sim.example,http://localhost:5173' } })
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    })
  const allowed = await preflight('https://console.f1-race-sim.example')
  t.equal(allowed.statusCode, 204)
  t.equal(allowed.headers['access-control-allow-origin'], 'https://console.f1-race-sim.example')
  t.match(allowed.headers['access-control-allow-methods'], /POST/)
  t.equal(allowed.headers['access-control-allow-credentials'], undefined, 'tokens, not cookies')
  for (const origin of ['https://evil.example', 'https://console.f1-race-sim.example.evil.example', 'http://localhost:5174', 'null']) {
    t.equal((await preflight(origin)).headers['access-control-allow-origin'], undefined, origin)
  }
  const actual = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { origin: 'http://localhost:5173' },
    payload: { email: uniqueEmail(), password: 'wrong password' },
  })
  t.equal(actual.headers['access-control-allow-origin'], 'http://localhost:5173')
  t.match(actual.headers['access-control-expose-headers'], /retry-after/)
})

t.test('APP_ORIGINS is checked at boot: each entry must be a bare http(s) origin', async (t) => {
  const { loadGatewayConfig } = await import('../src/config.ts')
  for (const bad of [
    'https://app.example/path',
    'app.example',
    'ftp://app.example',
    'https://user@app.example',
    'https://app.example?x=1',
    ' , ',
  ]) {
    t.throws(() => loadGatewayConfig({ env: { APP_ORIGINS: bad } }), /APP_ORIGINS/, bad)
  }
  t.equal(
    loadGatewayConfig({ env: { APP_ORIGINS: 'https://app.example/, http://localhost:5173' } }).APP_ORIGINS,
    'https://app.example/, http://localhost:5173',
  )
  t.throws(
    () => loadGatewayConfig({ env: { STAGE: 'prod', ...serviceTokenEnv('gateway', 'a-production-service-token'), JWT_SECRET: 'x'.repeat(40) } }),
    /APP_ORIGINS: is required/,
    'a deployed stage has no dev default',
  )
})

t.test("helmet's security headers are on API answers, and Swagger UI at /docs loads under its CSP", async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: uniqueEmail(), password: 'x' } })
  t.match(res.headers, {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'strict-transport-security': /max-age=\d+/,
    'referrer-policy': 'no-referrer',
    'content-security-policy': /default-src 'self'/,
  })
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, /script-src 'self'(;|$)/, 'no inline script')
  t.notMatch(csp, /upgrade-insecure-requests/)
  const page = await app.inject({ url: '/docs/' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-security-policy'], /script-src 'self'/)
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
  t.ok(assets.length >= 4, `assets: ${assets.join(', ')}`)
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} is same-origin`)
    const loaded = await app.inject({ url: new URL(asset, 'http://gateway/docs/').pathname })
    t.equal(loaded.statusCode, 200, asset)
  }
  t.notMatch(page.body, /<script>[^<]/, 'no inline script blocks in the page')
  t.equal((await app.inject({ url: '/docs/json' })).statusCode, 200)
})

t.test(
  'load shedding answers 503 OVERLOADED with Retry-After while the event loop is blocked; /health and /ready are never shed',
  async (t) => {
    const app = createServiceApp({ name: 'shed', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1024 }, logger: false })
    await app.register(
      underPressure,
      loadShedding({ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: 20, LOAD_SHED_RETRY_AFTER_S: 3 }, { sampleIntervalMs: 20 }),
    )
    app.get('/work', async () => ({ done: true }))
    await app.ready()
    t.teardown(() => app.close())
    t.equal((await app.inject('/work')).statusCode, 200, 'not shed while the loop is fine')
    await lagEventLoop(300, 60)
    const shed = await app.inject('/work')
    t.equal(shed.statusCode, 503)
    t.equal(shed.headers['retry-after'], '3')
    t.match(errorOf(shed), { code: 'OVERLOADED', details: { reason: 'eventLoopDelay' } })
    t.equal((await app.inject('/health')).statusCode, 200)
    t.equal((await app.inject('/ready')).statusCode, 200)
    // Served again once a sample sees a healthy loop: ask until then (on a loaded machine a sample may
    // still exceed 20 ms now and then), within a bound that a stuck shedder would not meet.
    let status = 503
    for (let attempt = 0; attempt < 50 && status === 503; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      status = (await app.inject('/work')).statusCode
    }
    t.equal(status, 200, 'served again once the loop recovered')
  },
)

t.test('the gateway sheds load past LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS while /health answers', async (t) => {
  const { app } = await build(t, { gatewayEnv: { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '100' } })
  // The sampler runs every second: lag across more than a whole sample.
  await lagEventLoop(1_500, 250)
  const shed = await app.inject({ url: '/api/users/me' })
  t.equal(shed.statusCode, 503, 'shed before authentication is even tried')
  t.equal(errorOf(shed).code, 'OVERLOADED')
  t.equal(shed.headers['retry-after'], '5')
  t.equal((await app.inject('/health')).statusCode, 200)
})
