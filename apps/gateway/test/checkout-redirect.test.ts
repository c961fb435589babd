// Checkout may only send the browser back to the app's own origins (APP_ORIGINS).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { errorOf } from '@f1/service-kit/testing'
import { isOnOrigins, parseOrigins } from '../src/lib/origins.ts'
import { bearer, build, json, register } from './helper.ts'

const APP_ORIGINS = 'https://app.f1-race-sim.example, http://localhost:5173'

/** A subscription-service stand-in that answers the free plan and records every checkout it receives. */
async function recordingSubscriptionService(t: { teardown(fn: () => unknown): void }) {
  const checkouts: Array<Record<string, unknown>> = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk))
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      if (req.method === 'POST' && req.url?.endsWith('/checkout')) {
        checkouts.push(JSON.parse(body) as Record<string, unknown>)
        res.end(JSON.stringify({ checkout_url: 'https://checkout.stripe.com/c/pay/cs_test_1', session_id: 'cs_test_1' }))
        return
      }
      res.end(
        JSON.stringify({
          subscription_id: null,
          plan_id: 'free',
          status: 'active',
          current_period_start: null,
          current_period_end: null,
          cancel_at_period_end: false,
          effective_plan_id: 'free',
          source: 'default',
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, checkouts }
}

async function setup(t: { teardown(fn: () => unknown): void }) {
  const subscriptions = await recordingSubscriptionService(t)
  const { app } = await build(t, { gatewayEnv: { APP_ORIGINS, SUBSCRIPTION_SERVICE_URL: subscriptions.url } })
  const user = await register(app)
  const checkout = (success_url: string, cancel_url = 'https://app.f1-race-sim.example/billing') =>
    app.inject({
      method: 'POST',
      url: '/api/users/subscription/checkout',
      headers: bearer(user.token),
      payload: { plan_id: 'pro', success_url, cancel_url },
    })
  return { checkout, checkouts: subscriptions.checkouts }
}

// URLs that are well-formed but lead elsewhere: the check answers them.
const ELSEWHERE = [
  'https://evil.example/phish',
  'https://app.f1-race-sim.example.evil.example/ok',
  'https://app.f1-race-sim.example@evil.example/ok',
  'https://user:pw@app.f1-race-sim.example/ok',
  'http://app.f1-race-sim.example/ok',
  'https://app.f1-race-sim.example:8443/ok',
  'http://localhost:5174/ok',
  'javascript:alert(document.domain)',
  'ftp://app.f1-race-sim.example/ok',
]
// Not absolute URLs at all, or ones parsers disagree on: the body schema refuses most already, and
// the check would refuse them too.
const MALFORMED = [
  '//evil.example/ok',
  '/relative/path',
  'data:text/html,<script>alert(1)</script>',
  'https://app.f1-race-sim.example\\@evil.example/ok',
  'https://app.f1-race-sim.example/ok\tjavascript:x',
  'java\tscript:alert(1)',
]

t.test(
  'a redirect URL off the app origins is 400 INVALID_REDIRECT_URL naming the field, and nothing reaches subscription-service',
  async (t) => {
    const { checkout, checkouts } = await setup(t)
    for (const url of ELSEWHERE) {
      const asSuccess = await checkout(url)
      t.equal(asSuccess.statusCode, 400, `success_url ${url}`)
      t.match(errorOf(asSuccess), { code: 'INVALID_REDIRECT_URL', message: /^success_url /, details: { field: 'success_url' } })
      const asCancel = await checkout('https://app.f1-race-sim.example/ok', url)
      t.equal(asCancel.statusCode, 400, `cancel_url ${url}`)
      t.match(errorOf(asCancel), { code: 'INVALID_REDIRECT_URL', message: /^cancel_url /, details: { field: 'cancel_url' } })
    }
    for (const url of MALFORMED) {
      t.equal((await checkout(url)).statusCode, 400, `success_url ${JSON.stringify(url)}`)
      t.equal((await checkout('https://app.f1-race-sim.example/ok', url)).statusCode, 400, `cancel_url ${JSON.stringify(url)}`)
    }
    t.same(checkouts, [], 'subscription-service never saw a checkout')
  },
)

t.test('the origin check itself refuses every one of them, whatever the body schema lets through', async (t) => {
  const origins = parseOrigins(APP_ORIGINS)
  t.same(origins, ['https://app.f1-race-sim.example', 'http://localhost:5173'])
  for (const url of [...ELSEWHERE, ...MALFORMED]) t.equal(isOnOrigins(url, origins), false, JSON.stringify(url))
  t.equal(isOnOrigins('https://app.f1-race-sim.example/billing?x=1#done', origins), true)
})

t.test(
  'URLs on an app origin (compared parsed: case and default port do not matter) go through to subscription-service as sent',
  async (t) => {
    const { checkout, checkouts } = await setup(t)
    // Passed on untouched: what was checked is what Stripe gets.
    const success = 'HTTPS://App.F1-Race-Sim.example:443/billing?from=checkout'
    const res = await checkout(success, 'http://localhost:5173/plans')
    t.equal(res.statusCode, 200)
    t.match(json(res), { session_id: 'cs_test_1' })
    t.match(checkouts, [{ plan_id: 'pro', success_url: success, cancel_url: 'http://localhost:5173/plans' }])
  },
)
