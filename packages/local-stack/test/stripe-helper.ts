// The Stripe double under test, the real `stripe` client pointed at it, and a webhook endpoint that
// records what it receives (raw bytes and headers) and answers as told.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'
import { startStripeDouble, planPrices, type StripeDoubleOptions } from '../src/stripe/double.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const SECRET = 'whsec_test_stripe_double_0123456789'
export const KEY = 'sk_test_stripe_double_tests'
export const PRICES = { pro: 'price_test_pro', team: 'price_test_team' }

export interface ReceivedWebhook {
  raw: string
  headers: IncomingHttpHeaders
}

/** An endpoint answering `answer(i)` to its i-th request (default 200). */
export async function webhookEndpoint(t: TapLike, answer: (i: number) => number = () => 200) {
  const received: ReceivedWebhook[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const status = answer(received.length)
      received.push({ raw: Buffer.concat(chunks).toString('utf8'), headers: req.headers })
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(status < 300 ? { received: true } : { error: 'no' }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`
  /** The events received, each checked against its signature as subscription-service checks it. */
  const events = () => received.map((r) => Stripe.webhooks.constructEvent(r.raw, r.headers['stripe-signature'] as string, SECRET))
  return { url, received, events }
}

export async function startDouble(t: TapLike, options: Partial<StripeDoubleOptions> = {}) {
  const double = await startStripeDouble({
    webhookSecret: SECRET,
    prices: planPrices(PRICES),
    retry: { attempts: 3, delayMs: 20, timeoutMs: 2_000 },
    ...options,
  })
  t.teardown(() => double.close())
  return double
}

export function stripeClient(port: number, key = KEY): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false })
}

/** What a browser's form submit of the Pay button does; the answer's redirect is not followed. */
export async function pay(checkoutUrl: string): Promise<Response> {
  return fetch(`${checkoutUrl}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  })
}
