// Real traffic through the gateway, as users make it: registrations, sign-ins, simulations (some
// the engine refuses), plan changes by signed Stripe webhooks. Every answer is kept: what the
// client was told is part of what the suite checks.
import { signWebhook, subscriptionEvent } from '@f1/subscription-service/testing'
import { PRICES, WEBHOOK_SECRET } from './stack.ts'

const HAM = {
  stints: [
    { start_lap: 0, compound: 'A4', tire_age: 2 },
    { start_lap: 22, compound: 'A3', tire_age: 0 },
    { start_lap: 36, compound: 'A4', tire_age: 0 },
  ],
}
const SINGLE = { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'single', strategy: HAM }
// The engine refuses it (the stint starts after the race): a failed simulation, its charge refunded.
const REFUSED = {
  ...SINGLE,
  strategy: {
    stints: [
      { start_lap: 0, compound: 'A4', tire_age: 2 },
      { start_lap: 80, compound: 'A3', tire_age: 0 },
    ],
  },
}

export interface Answers {
  registered: number
  signedIn: number
  simulated: number
  refused: number
  webhooksApplied: number
  failed: number
}

export const noAnswers = (): Answers => ({ registered: 0, signedIn: 0, simulated: 0, refused: 0, webhooksApplied: 0, failed: 0 })

let users = 0

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    })
    const text = await res.text()
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
  } catch {
    // The gateway was killed, or DynamoDB paused past the budget: no answer.
    return { status: 0, json: {} }
  }
}

/** One user's visit: register, sign in, a simulation, a refused one, and (every other user) an upgrade. */
async function visit(gateway: string, answers: Answers): Promise<void> {
  users += 1
  const email = `driver.${users}.${Date.now().toString(36)}@faults.example`
  const password = 'a-long-password-for-faults'
  const registered = await post(`${gateway}/api/auth/register`, { email, password, name: 'Fault Driver' })
  if (registered.status !== 201) return void (answers.failed += 1)
  answers.registered += 1
  const userId = String(registered.json.user_id)
  const login = await post(`${gateway}/api/auth/login`, { email, password })
  if (login.status !== 200) return void (answers.failed += 1)
  answers.signedIn += 1
  const auth = { authorization: `Bearer ${String(login.json.token)}` }
  const run = await post(`${gateway}/api/simulations`, SINGLE, auth)
  if (run.status === 201) answers.simulated += 1
  else answers.failed += 1
  const refused = await post(`${gateway}/api/simulations`, REFUSED, auth)
  if (refused.status === 400) answers.refused += 1
  else answers.failed += 1
  if (users % 2 === 0) {
    const event = subscriptionEvent({
      type: 'customer.subscription.updated',
      userId,
      priceId: PRICES.pro,
      created: Math.floor(Date.now() / 1000),
    })
    const { payload, signature } = signWebhook(event, WEBHOOK_SECRET)
    const webhook = await post(`${gateway}/api/stripe/webhook`, payload, { 'stripe-signature': signature })
    if (webhook.status === 200 && webhook.json.outcome === 'applied') answers.webhooksApplied += 1
    else answers.failed += 1
  }
}

/** `visits` user visits, `concurrency` at a time; resolves with what the clients were told. */
export async function burst(gateway: string, visits: number, concurrency = 3, answers = noAnswers()): Promise<Answers> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < visits) {
        next += 1
        await visit(gateway, answers)
      }
    }),
  )
  return answers
}
