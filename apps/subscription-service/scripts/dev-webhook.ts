// Changes a user's plan on the local stack by posting a signed Stripe event through the gateway,
// as Stripe would after a checkout or a cancellation. Local only: it signs with the dev secret.
//   pnpm demo:plan -- --plan pro            (the demo user; --plan team | free)
//   pnpm demo:plan -- --plan pro --email you@example.com --password '...'
import { localServiceUrl } from '@f1/contracts/services'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { DEV_WEBHOOK_SECRET } from '../src/config.ts'
import { signWebhook, subscriptionEvent } from '../src/testing.ts'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: {
      plan: { type: 'string', default: 'pro' },
      email: { type: 'string', default: 'demo@f1-race-sim.dev' },
      password: { type: 'string', default: 'demo-driver-2026' },
      gateway: { type: 'string', default: process.env.GATEWAY_URL ?? localServiceUrl('gateway') },
    },
  },
  { program: 'demo:plan' },
)
const plan = values.plan
if (plan !== 'pro' && plan !== 'team' && plan !== 'free') {
  console.error(`--plan must be pro, team or free (got ${plan})`)
  process.exit(2)
}
const secret = process.env.STRIPE_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET
const prices = { pro: process.env.STRIPE_PRICE_PRO ?? 'price_dev_pro', team: process.env.STRIPE_PRICE_TEAM ?? 'price_dev_team' }

const login = await fetch(`${values.gateway}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: values.email, password: values.password }),
}).catch((err: Error) => {
  console.error(`The gateway at ${values.gateway} does not answer (${err.message}); is \`pnpm dev\` running?`)
  process.exit(1)
})
if (!login.ok) {
  console.error(`Login as ${values.email} failed: ${login.status} ${await login.text()}`)
  process.exit(1)
}
const { token } = (await login.json()) as { token: string }
const userId = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string }).sub

const event =
  plan === 'free'
    ? subscriptionEvent({ type: 'customer.subscription.deleted', userId, priceId: prices.pro })
    : subscriptionEvent({ type: 'customer.subscription.updated', userId, priceId: prices[plan], planId: plan })
const { payload, signature } = signWebhook(event, secret)
const res = await fetch(`${values.gateway}/api/stripe/webhook`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  body: payload,
})
console.log(`${event.type} for ${values.email} (${userId}): ${res.status} ${await res.text()}`)
const subscription = await fetch(`${values.gateway}/api/users/subscription`, { headers: { authorization: `Bearer ${token}` } })
console.log(`Now: ${await subscription.text()}`)
process.exit(res.ok ? 0 : 1)
