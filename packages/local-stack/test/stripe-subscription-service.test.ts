// End to end: the real subscription-service (run as the process its package.json names, as the dev
// stack runs it; the package never imports an app) with STRIPE_API_URL on the double. A checkout
// through the double's page ends with the user's subscription active on the paid plan, and a
// cancellation comes back through customer.subscription.updated.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { tableNamesToEnv } from '@f1/tables'
import { useTestTables } from '@f1/tables/testing'
import { freePort } from '../src/dynamodb.ts'
import { STRIPE_DOUBLE_SECRET_KEY } from '../src/stripe/double.ts'
import { PRICES, SECRET, pay, startDouble } from './stripe-helper.ts'

const APP_DIR = join(import.meta.dirname, '..', '..', '..', 'apps', 'subscription-service')
const TOKEN = 'stripe-double-test-service-token'
const auth = { 'x-service-token': TOKEN, 'content-type': 'application/json' }

t.setTimeout(120_000)

t.test('a checkout through the double makes the user pro in subscription-service; a cancel comes back by webhook', async (t) => {
  const tables = await useTestTables(t, ['subscriptions', 'legacy'])
  const port = await freePort()
  const service = `http://127.0.0.1:${port}`
  const double = await startDouble(t, { webhookUrl: `${service}/stripe/webhook` })
  const { main } = JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')) as { main: string }
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      ...tableNamesToEnv(tables.names),
      STAGE: 'local',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      SUBSCRIPTION_SERVICE_PORT: String(port),
      DYNAMODB_ENDPOINT: tables.endpoint,
      TOKEN_FROM_GATEWAY: TOKEN,
      STRIPE_SECRET_KEY: STRIPE_DOUBLE_SECRET_KEY,
      STRIPE_API_URL: double.url,
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_PRICE_PRO: PRICES.pro,
      STRIPE_PRICE_TEAM: PRICES.team,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  t.teardown(async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })
  for (let ready = false; !ready; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`subscription-service exited with ${child.exitCode}`)
    ready = await fetch(`${service}/ready`).then(
      (r) => r.ok,
      () => false,
    )
  }

  const user = `user-${Date.now()}`
  const checkout = await fetch(`${service}/users/${user}/checkout`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': 'op-1' },
    body: JSON.stringify({
      plan_id: 'pro',
      success_url: 'http://127.0.0.1:5173/plan?done=1',
      cancel_url: 'http://127.0.0.1:5173/plan',
      email: 'max@example.com',
    }),
  })
  t.equal(checkout.status, 200)
  const { checkout_url: url, session_id: sessionId } = (await checkout.json()) as { checkout_url: string; session_id: string }
  t.equal(url, `${double.url}/checkout/${sessionId}`)
  t.match(await (await fetch(url)).text(), /Pay \(test mode\)/)

  const before = (await (await fetch(`${service}/users/${user}/subscription`, { headers: auth })).json()) as { effective_plan_id: string }
  t.equal(before.effective_plan_id, 'free')

  const paid = await pay(url)
  t.equal(paid.status, 303)
  t.equal(paid.headers.get('location'), 'http://127.0.0.1:5173/plan?done=1')
  // Every webhook was applied by subscription-service before the browser was sent back.
  t.same(
    double.deliveries().map((d) => [d.type, d.ok, d.status]),
    [
      ['customer.created', true, 200],
      ['customer.subscription.created', true, 200],
      ['invoice.paid', true, 200],
      ['checkout.session.completed', true, 200],
    ],
  )
  t.match(double.deliveries()[1]?.body, /"outcome":"applied"/)
  const after = (await (await fetch(`${service}/users/${user}/subscription`, { headers: auth })).json()) as Record<string, unknown>
  const subscription = double.events().find((e) => e.type === 'customer.subscription.created')!.data.object as { id: string }
  t.match(after, {
    plan_id: 'pro',
    effective_plan_id: 'pro',
    status: 'active',
    cancel_at_period_end: false,
    subscription_id: subscription.id,
  })

  const cancel = await fetch(`${service}/users/${user}/cancel`, { method: 'POST', headers: { 'x-service-token': TOKEN } })
  t.equal(cancel.status, 202)
  await double.idle()
  t.match(double.deliveries().at(-1), { type: 'customer.subscription.updated', ok: true, body: /"outcome":"applied"/ })
  const canceled = (await (await fetch(`${service}/users/${user}/subscription`, { headers: auth })).json()) as Record<string, unknown>
  t.match(canceled, { plan_id: 'pro', effective_plan_id: 'pro', cancel_at_period_end: true })
})
