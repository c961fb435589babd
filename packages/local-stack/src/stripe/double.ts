// The local Stripe double: the part of Stripe's API subscription-service calls (customers, checkout
// sessions, subscriptions), in test mode, in memory; a hosted checkout page whose Pay button creates
// the subscription and sends the webhooks Stripe would send, signed with the endpoint's secret, to
// one webhook endpoint (the gateway's /api/stripe/webhook), then redirects to the session's
// success_url. What it does not implement answers a Stripe-style 400 or 404.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import Stripe from 'stripe'
import { canonicalParams, parseStripeForm, type FormParams, type FormValue } from './form.ts'
import { checkoutPage, formatAmount, notFoundPage } from './page.ts'

/** The port `f1-local dev` gives the double (the one stripe-mock uses); STRIPE_DOUBLE_PORT overrides it. */
export const STRIPE_DOUBLE_PORT = 12111
/** The API key the dev stack gives subscription-service: any sk_test_ key works with the double. */
export const STRIPE_DOUBLE_SECRET_KEY = 'sk_test_local_stripe_double'
/** subscription-service's dev defaults (apps/subscription-service/src/config.ts); the stack sets them explicitly. */
export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_dev_f1_race_sim_local_only'
export const DEV_STRIPE_PRICES = { pro: 'price_dev_pro', team: 'price_dev_team' } as const

export interface StripeDoublePrice {
  id: string
  /** Shown on the checkout page (the product's name). */
  product_name: string
  /** In the currency's smallest unit (cents). */
  unit_amount: number
  currency: string
  interval?: 'day' | 'week' | 'month' | 'year'
}

/** The prices of the stack's plans; the amounts are test amounts of this double, not a price list. */
export function planPrices(ids: { pro: string; team: string } = DEV_STRIPE_PRICES): StripeDoublePrice[] {
  return [
    { id: ids.pro, product_name: 'F1 Race Sim Pro', unit_amount: 1900, currency: 'usd', interval: 'month' },
    { id: ids.team, product_name: 'F1 Race Sim Team', unit_amount: 4900, currency: 'usd', interval: 'month' },
  ]
}

export interface WebhookRetry {
  /** Tries per event, the first included (default 4). */
  attempts: number
  /** Wait before the second try, doubling after each (default 500 ms). */
  delayMs: number
  /** Time one try may take (default 10 s). */
  timeoutMs: number
}

export interface StripeDoubleOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
  /** Where events are POSTed; without it they are kept (GET /v1/events) but sent nowhere. */
  webhookUrl?: string
  webhookSecret: string
  prices: readonly StripeDoublePrice[]
  retry?: Partial<WebhookRetry>
  /** One line per webhook outcome and per refused request; default silent. */
  log?: (line: string) => void
  /**
   * Take a customer or subscription id it never made as one that exists (a bare object, logged) instead of
   * Stripe's "No such ..." answer: ids made outside it (`pnpm demo:plan`'s events) or before a restart (the
   * double keeps nothing, subscription-service's table does). Default false: as strict as Stripe.
   */
  adoptUnknownIds?: boolean
  now?: () => Date
}

export interface WebhookDelivery {
  event_id: string
  type: string
  url: string
  attempts: number
  ok: boolean
  /** The endpoint's last status and body, or the network error. */
  status?: number
  body?: string
  error?: string
}

export interface StripeDouble {
  url: string
  port: number
  /** The events created so far, oldest first. */
  events(): Stripe.Event[]
  /** Every webhook sent, oldest first, with its outcome. */
  deliveries(): WebhookDelivery[]
  /** Resolves once no webhook is waiting or being sent. */
  idle(): Promise<void>
  close(): Promise<void>
}

type Json = Record<string, unknown>

class StripeError extends Error {
  readonly status: number
  readonly body: { type: string; message: string; code?: string; param?: string }
  constructor(status: number, body: StripeError['body']) {
    super(body.message)
    this.status = status
    this.body = body
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new StripeError(400, { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) })
const missingParam = (param: string) => invalid(`Missing required param: ${param}.`, param, 'parameter_missing')
const unknownParam = (param: string) =>
  invalid(`Received unknown parameter: ${param} (the local Stripe double does not implement it)`, param, 'parameter_unknown')
const noSuch = (kind: string, id: string, param?: string) =>
  new StripeError(param ? 400 : 404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    ...(param ? { param } : {}),
  })

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function newId(prefix: string, length = 24): string {
  return `${prefix}_${[...randomBytes(length)].map((b) => ALNUM[b % ALNUM.length]).join('')}`
}

const epoch = (date: Date) => Math.floor(date.getTime() / 1000)

/** The same day of the next month (clamped to its last day), as Stripe's monthly billing anchors. */
export function addInterval(start: Date, interval: StripeDoublePrice['interval'] = 'month'): Date {
  const d = new Date(start)
  if (interval === 'day') d.setUTCDate(d.getUTCDate() + 1)
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7)
  else {
    const months = interval === 'year' ? 12 : 1
    const day = d.getUTCDate()
    d.setUTCDate(1)
    d.setUTCMonth(d.getUTCMonth() + months)
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
    d.setUTCDate(Math.min(day, last))
  }
  return d
}

function onlyKnown(params: FormParams, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(params)) if (!known.includes(key)) throw unknownParam(prefix ? `${prefix}[${key}]` : key)
}

function stringParam(params: FormParams, name: string, options: { max?: number } = {}): string | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalid(`Invalid string: ${name} must be a string`, name)
  if (options.max !== undefined && value.length > options.max)
    throw invalid(`Invalid string: ${name} must be at most ${options.max} characters`, name)
  return value
}

function booleanParam(params: FormParams, name: string): boolean | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (value === 'true' || value === 'false') return value === 'true'
  throw invalid(`Invalid boolean: ${typeof value === 'string' ? value : name}`, name)
}

function urlParam(params: FormParams, name: string): string | undefined {
  const value = stringParam(params, name, { max: 5000 })
  if (value === undefined) return undefined
  try {
    const url = new URL(value.replaceAll('{CHECKOUT_SESSION_ID}', 'x'))
    if (url.protocol === 'http:' || url.protocol === 'https:') return value
  } catch {
    // below
  }
  throw invalid('Not a valid URL', name, 'url_invalid')
}

/** Stripe's metadata rules: at most 50 keys of up to 40 characters, values of up to 500; "" removes a key. */
function metadataParam(params: FormParams, name: string, current: Record<string, string> = {}): Record<string, string> | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (value === '') return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid object', name)
  const next = { ...current }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid('Invalid string: metadata values must be strings', `${name}[${key}]`)
    if (key.length > 40) throw invalid('Metadata keys can be at most 40 characters', `${name}[${key}]`)
    if (v.length > 500) throw invalid('Metadata values can be at most 500 characters', `${name}[${key}]`)
    if (v === '') delete next[key]
    else next[key] = v
  }
  if (Object.keys(next).length > 50) throw invalid('Metadata can have at most 50 keys', name)
  return next
}

interface SessionRecord {
  session: Json
  price: StripeDoublePrice
  quantity: number
  subscriptionMetadata: Record<string, string>
  /** Set when paid: resolves once its webhooks are sent. */
  completion?: Promise<void>
}

interface IdempotentResult {
  fingerprint: string
  status: number
  body: unknown
}

const DEFAULT_RETRY: WebhookRetry = { attempts: 4, delayMs: 500, timeoutMs: 10_000 }

export async function startStripeDouble(options: StripeDoubleOptions): Promise<StripeDouble> {
  const now = options.now ?? (() => new Date())
  const log = options.log ?? (() => {})
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const prices = new Map(options.prices.map((p) => [p.id, p]))
  const customers = new Map<string, Json>()
  const sessions = new Map<string, SessionRecord>()
  const subscriptions = new Map<string, Json>()
  const invoices = new Map<string, Json>()
  const events: Stripe.Event[] = []
  const deliveries: WebhookDelivery[] = []
  const idempotent = new Map<string, IdempotentResult>()
  let queue: Promise<unknown> = Promise.resolve()
  let closing = false
  let baseUrl = ''

  const priceObject = (price: StripeDoublePrice) => ({
    id: price.id,
    object: 'price',
    active: true,
    currency: price.currency,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: price.product_name,
    product: `prod_${price.id.replace(/^price_/, '')}`,
    recurring: { interval: price.interval ?? 'month', interval_count: 1, usage_type: 'licensed' },
    type: 'recurring',
    unit_amount: price.unit_amount,
    unit_amount_decimal: String(price.unit_amount),
  })

  // --- webhooks ----------------------------------------------------------------------------------

  async function deliver(event: Stripe.Event): Promise<void> {
    const url = options.webhookUrl
    if (!url) return
    const payload = JSON.stringify(event, null, 2)
    const record: WebhookDelivery = { event_id: event.id, type: event.type, url, attempts: 0, ok: false }
    deliveries.push(record)
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      record.attempts = attempt
      // Signed per attempt, as Stripe does: the timestamp is the attempt's.
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret })
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': signature,
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          },
          body: payload,
          signal: AbortSignal.timeout(retry.timeoutMs),
        })
        record.status = res.status
        record.body = (await res.text()).slice(0, 500)
        delete record.error
        if (res.ok) {
          record.ok = true
          log(`webhook ${event.type} ${event.id} -> ${res.status} ${record.body} (attempt ${attempt})`)
          return
        }
      } catch (err) {
        delete record.status
        delete record.body
        record.error = (err as Error).message
      }
      const outcome = record.error ?? `${record.status} ${record.body}`
      if (attempt === retry.attempts || closing) {
        log(`webhook ${event.type} ${event.id} FAILED after ${attempt} attempt(s): ${outcome}`)
        return
      }
      const wait = retry.delayMs * 2 ** (attempt - 1)
      log(`webhook ${event.type} ${event.id} attempt ${attempt} failed (${outcome}); again in ${wait} ms`)
      await sleep(wait)
    }
  }

  /** Records an event and queues its webhook behind the others (one at a time, in order). */
  function emit(
    type: string,
    object: Json,
    extra: { previous_attributes?: Json; request?: { id: string | null; idempotency_key: string | null } } = {},
  ) {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: epoch(now()),
      data: { object: structuredClone(object), ...(extra.previous_attributes ? { previous_attributes: extra.previous_attributes } : {}) },
      livemode: false,
      pending_webhooks: options.webhookUrl ? 1 : 0,
      request: extra.request ?? { id: null, idempotency_key: null },
      type,
    } as unknown as Stripe.Event
    events.push(event)
    const sent = queue.then(() => deliver(event))
    queue = sent
    return sent
  }

  // --- objects -----------------------------------------------------------------------------------

  /** A bare object for an id made elsewhere (adoptUnknownIds): what an update of it needs, nothing it cannot know. */
  function adopt(kind: 'customer' | 'subscription', id: string): Json {
    const created = epoch(now())
    log(`adopted ${kind} ${id}: not made by this double (pnpm demo:plan, or before a restart); taken as existing`)
    if (kind === 'customer') {
      const customer: Json = {
        id,
        object: 'customer',
        created,
        email: null,
        livemode: false,
        metadata: {},
        name: null,
        invoice_prefix: 'ADOPTED',
      }
      customers.set(id, customer)
      return customer
    }
    const subscription: Json = {
      id,
      object: 'subscription',
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      created,
      customer: null,
      items: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/subscription_items?subscription=${id}` },
      livemode: false,
      metadata: {},
      status: 'active',
    }
    subscriptions.set(id, subscription)
    return subscription
  }

  function createCustomer(
    fields: {
      email?: string | undefined
      name?: string | undefined
      description?: string | undefined
      metadata?: Record<string, string> | undefined
    },
    request?: RequestRef,
  ): Json {
    const customer: Json = {
      id: newId('cus', 14),
      object: 'customer',
      address: null,
      balance: 0,
      created: epoch(now()),
      currency: null,
      default_source: null,
      delinquent: false,
      description: fields.description ?? null,
      email: fields.email ?? null,
      invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
      livemode: false,
      metadata: fields.metadata ?? {},
      name: fields.name ?? null,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    }
    customers.set(customer.id as string, customer)
    void emit('customer.created', customer, request ? { request } : {})
    return customer
  }

  function createSessionObject(params: FormParams): Json {
    onlyKnown(params, [
      'mode',
      'customer',
      'customer_email',
      'line_items',
      'success_url',
      'cancel_url',
      'client_reference_id',
      'metadata',
      'subscription_data',
    ])
    const mode = stringParam(params, 'mode')
    if (mode === undefined) throw missingParam('mode')
    if (mode === 'payment' || mode === 'setup')
      throw invalid(`mode=${mode}: the local Stripe double implements mode=subscription only`, 'mode')
    if (mode !== 'subscription') throw invalid(`Invalid mode: must be one of payment, setup, or subscription`, 'mode')
    const customerId = stringParam(params, 'customer')
    const customerEmail = stringParam(params, 'customer_email', { max: 800 })
    if (customerId !== undefined && customerEmail !== undefined)
      throw invalid('You may only specify one of these parameters: customer, customer_email.', 'customer_email')
    if (customerId !== undefined && !customers.has(customerId)) {
      if (!options.adoptUnknownIds) throw noSuch('customer', customerId, 'customer')
      adopt('customer', customerId)
    }
    const lineItems = params.line_items
    if (lineItems === undefined) throw missingParam('line_items')
    if (!Array.isArray(lineItems) || lineItems.length === 0) throw invalid('Invalid array', 'line_items')
    if (lineItems.length > 1) throw invalid('The local Stripe double supports one line item per checkout session', 'line_items')
    const item = lineItems[0] as FormValue
    if (typeof item !== 'object' || Array.isArray(item)) throw invalid('Invalid object', 'line_items[0]')
    onlyKnown(item, ['price', 'quantity'], 'line_items[0]')
    const priceId = stringParam(item, 'price')
    if (priceId === undefined) throw missingParam('line_items[0][price]')
    const price = prices.get(priceId)
    if (!price) throw noSuch('price', priceId, 'line_items[0][price]')
    const quantityText = stringParam(item, 'quantity') ?? '1'
    const quantity = Number(quantityText)
    if (!Number.isInteger(quantity) || quantity < 1) throw invalid(`Invalid positive integer`, 'line_items[0][quantity]')
    const successUrl = urlParam(params, 'success_url')
    if (successUrl === undefined) throw missingParam('success_url')
    const cancelUrl = urlParam(params, 'cancel_url')
    const clientReferenceId = stringParam(params, 'client_reference_id', { max: 200 })
    const metadata = metadataParam(params, 'metadata') ?? {}
    let subscriptionMetadata: Record<string, string> = {}
    const subscriptionData = params.subscription_data
    if (subscriptionData !== undefined) {
      if (typeof subscriptionData !== 'object' || Array.isArray(subscriptionData)) throw invalid('Invalid object', 'subscription_data')
      onlyKnown(subscriptionData, ['metadata'], 'subscription_data')
      subscriptionMetadata = metadataParam(subscriptionData, 'metadata') ?? {}
    }
    const created = epoch(now())
    const id = newId('cs_test', 58)
    const amount = price.unit_amount * quantity
    const session: Json = {
      id,
      object: 'checkout.session',
      amount_subtotal: amount,
      amount_total: amount,
      cancel_url: cancelUrl ?? null,
      client_reference_id: clientReferenceId ?? null,
      created,
      currency: price.currency,
      customer: customerId ?? null,
      customer_details: null,
      customer_email: customerEmail ?? null,
      expires_at: created + 24 * 3600,
      invoice: null,
      livemode: false,
      metadata,
      mode: 'subscription',
      payment_status: 'unpaid',
      status: 'open',
      subscription: null,
      success_url: successUrl,
      ui_mode: 'hosted',
      url: `${baseUrl}/checkout/${id}`,
    }
    sessions.set(id, { session, price, quantity, subscriptionMetadata })
    return session
  }

  /** Paying: the customer (if the session had none), the subscription, its paid invoice, and their events. */
  function complete(record: SessionRecord): Promise<void> {
    if (record.completion) return record.completion
    const { session, price, quantity } = record
    const start = now()
    const periodStart = epoch(start)
    const periodEnd = epoch(addInterval(start, price.interval))
    const customer =
      typeof session.customer === 'string'
        ? customers.get(session.customer)!
        : createCustomer({ email: (session.customer_email as string | null) ?? undefined })
    const customerId = customer.id as string
    const subscriptionId = newId('sub')
    const invoiceId = newId('in')
    const subscription: Json = {
      id: subscriptionId,
      object: 'subscription',
      billing_cycle_anchor: periodStart,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: 'charge_automatically',
      created: periodStart,
      currency: price.currency,
      customer: customerId,
      ended_at: null,
      items: {
        object: 'list',
        data: [
          {
            id: newId('si', 14),
            object: 'subscription_item',
            created: periodStart,
            current_period_start: periodStart,
            current_period_end: periodEnd,
            metadata: {},
            price: priceObject(price),
            quantity,
            subscription: subscriptionId,
          },
        ],
        has_more: false,
        total_count: 1,
        url: `/v1/subscription_items?subscription=${subscriptionId}`,
      },
      latest_invoice: invoiceId,
      livemode: false,
      metadata: { ...record.subscriptionMetadata },
      start_date: periodStart,
      status: 'active',
      test_clock: null,
      trial_end: null,
      trial_start: null,
    }
    subscriptions.set(subscriptionId, subscription)
    const amount = price.unit_amount * quantity
    const invoice: Json = {
      id: invoiceId,
      object: 'invoice',
      amount_due: amount,
      amount_paid: amount,
      amount_remaining: 0,
      billing_reason: 'subscription_create',
      collection_method: 'charge_automatically',
      created: periodStart,
      currency: price.currency,
      customer: customerId,
      customer_email: customer.email ?? null,
      lines: {
        object: 'list',
        data: [
          {
            id: newId('il', 14),
            object: 'line_item',
            amount,
            currency: price.currency,
            description: `${quantity} × ${price.product_name}`,
            period: { start: periodStart, end: periodEnd },
            pricing: { type: 'price_details', price_details: { price: price.id, product: priceObject(price).product } },
            quantity,
          },
        ],
        has_more: false,
        total_count: 1,
      },
      livemode: false,
      number: `${customer.invoice_prefix as string}-0001`,
      parent: {
        type: 'subscription_details',
        subscription_details: { metadata: { ...record.subscriptionMetadata }, subscription: subscriptionId },
      },
      period_end: periodStart,
      period_start: periodStart,
      status: 'paid',
      status_transitions: { finalized_at: periodStart, paid_at: periodStart },
    }
    invoices.set(invoiceId, invoice)
    Object.assign(session, {
      customer: customerId,
      customer_details: { email: customer.email ?? null },
      invoice: invoiceId,
      payment_status: 'paid',
      status: 'complete',
      subscription: subscriptionId,
    })
    log(`checkout ${session.id as string} paid: ${subscriptionId} (${price.id}) for ${customerId}`)
    // The order Stripe's dashboard shows for a subscription checkout (Stripe does not promise one).
    const sent = [
      emit('customer.subscription.created', subscription),
      emit('invoice.paid', invoice),
      emit('checkout.session.completed', session),
    ]
    record.completion = Promise.all(sent).then(() => undefined)
    return record.completion
  }

  function updateSubscription(subscription: Json, params: FormParams, request: RequestRef): Json {
    onlyKnown(params, ['cancel_at_period_end', 'metadata'])
    if (subscription.status === 'canceled')
      throw invalid('A canceled subscription can only update its cancellation_details and metadata.', 'cancel_at_period_end')
    const cancel = booleanParam(params, 'cancel_at_period_end')
    const metadata = metadataParam(params, 'metadata', subscription.metadata as Record<string, string>)
    const previous: Json = {}
    if (cancel !== undefined && cancel !== subscription.cancel_at_period_end) {
      const item = (subscription.items as { data: Json[] }).data[0]
      Object.assign(previous, {
        cancel_at: subscription.cancel_at,
        cancel_at_period_end: subscription.cancel_at_period_end,
        canceled_at: subscription.canceled_at,
        cancellation_details: subscription.cancellation_details,
      })
      Object.assign(subscription, {
        cancel_at: cancel ? (item?.current_period_end ?? null) : null,
        cancel_at_period_end: cancel,
        canceled_at: cancel ? epoch(now()) : null,
        cancellation_details: { comment: null, feedback: null, reason: cancel ? 'cancellation_requested' : null },
      })
    }
    if (metadata !== undefined && canonicalParams(metadata) !== canonicalParams(subscription.metadata as FormParams)) {
      previous.metadata = subscription.metadata
      subscription.metadata = metadata
    }
    if (Object.keys(previous).length > 0)
      void emit('customer.subscription.updated', subscription, { previous_attributes: previous, request })
    return subscription
  }

  function cancelSubscription(subscription: Json, params: FormParams, request: RequestRef): Json {
    onlyKnown(params, [])
    if (subscription.status === 'canceled')
      throw invalid('A canceled subscription can only update its cancellation_details and metadata.', undefined, 'resource_missing')
    const at = epoch(now())
    Object.assign(subscription, {
      status: 'canceled',
      canceled_at: at,
      ended_at: at,
      cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
    })
    void emit('customer.subscription.deleted', subscription, { request })
    return subscription
  }

  // --- HTTP --------------------------------------------------------------------------------------

  type RequestRef = { id: string; idempotency_key: string | null }
  interface ApiRequest {
    method: string
    path: string
    params: FormParams
    ref: RequestRef
  }

  function api(req: ApiRequest): { status?: number; body: unknown } {
    const { method, path, params, ref } = req
    let m: RegExpExecArray | null
    if (path === '/v1/customers' && method === 'POST') {
      onlyKnown(params, ['email', 'name', 'description', 'metadata'])
      const customer = createCustomer(
        {
          email: stringParam(params, 'email', { max: 512 }),
          name: stringParam(params, 'name', { max: 256 }),
          description: stringParam(params, 'description', { max: 350 }),
          metadata: metadataParam(params, 'metadata'),
        },
        ref,
      )
      return { body: customer }
    }
    if ((m = /^\/v1\/customers\/([^/]+)$/.exec(path)) && method === 'GET') {
      const customer = customers.get(decodeURIComponent(m[1]!))
      if (!customer) throw noSuch('customer', decodeURIComponent(m[1]!))
      return { body: customer }
    }
    if (path === '/v1/checkout/sessions' && method === 'POST') return { body: createSessionObject(params) }
    if ((m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)) && method === 'GET') {
      const record = sessions.get(decodeURIComponent(m[1]!))
      if (!record) throw noSuch('checkout.session', decodeURIComponent(m[1]!))
      return { body: record.session }
    }
    if ((m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]!)
      const subscription = subscriptions.get(id) ?? (options.adoptUnknownIds && method !== 'GET' ? adopt('subscription', id) : undefined)
      if (!subscription) throw noSuch('subscription', id)
      if (method === 'GET') return { body: subscription }
      if (method === 'POST') return { body: updateSubscription(subscription, params, ref) }
      if (method === 'DELETE') return { body: cancelSubscription(subscription, params, ref) }
    }
    if ((m = /^\/v1\/invoices\/([^/]+)$/.exec(path)) && method === 'GET') {
      const invoice = invoices.get(decodeURIComponent(m[1]!))
      if (!invoice) throw noSuch('invoice', decodeURIComponent(m[1]!))
      return { body: invoice }
    }
    if (path === '/v1/events' && method === 'GET') {
      const limit = Math.min(100, Math.max(1, Number(stringParam(params, 'limit') ?? 10) || 10))
      const type = stringParam(params, 'type')
      const newestFirst = [...events].reverse().filter((e) => type === undefined || e.type === type)
      return { body: { object: 'list', data: newestFirst.slice(0, limit), has_more: newestFirst.length > limit, url: '/v1/events' } }
    }
    if ((m = /^\/v1\/events\/([^/]+)$/.exec(path)) && method === 'GET') {
      const event = events.find((e) => e.id === decodeURIComponent(m![1]!))
      if (!event) throw noSuch('event', decodeURIComponent(m[1]!))
      return { body: event }
    }
    throw new StripeError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). The local Stripe double implements customers, checkout sessions, subscriptions, invoices (read) and events (read).`,
    })
  }

  function authorize(req: IncomingMessage): string {
    const header = req.headers.authorization ?? ''
    // Bearer, as the client libraries send it, or Basic with the key as user name (`curl -u sk_test_...:`).
    const basic = /^Basic (\S+)$/.exec(header)?.[1]
    const key = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] || undefined : /^Bearer (\S+)$/.exec(header)?.[1]
    if (!key)
      throw new StripeError(401, {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      })
    if (!/^(sk|rk)_test_\w+$/.test(key))
      throw new StripeError(401, {
        type: 'invalid_request_error',
        message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)} (the local Stripe double takes test mode keys only: sk_test_...)`,
      })
    return key
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': headers['request-id'] ?? newId('req', 14), ...headers })
    res.end(JSON.stringify(body, null, 2))
  }

  function html(res: ServerResponse, status: number, page: string) {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    })
    res.end(page)
  }

  function redirect(res: ServerResponse, location: string) {
    res.writeHead(303, { location, 'cache-control': 'no-store' })
    res.end()
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, raw: string) {
    const requestId = newId('req', 14)
    const method = req.method ?? 'GET'
    try {
      const key = authorize(req)
      const params = parseStripeForm(method === 'GET' ? url.search.slice(1) : raw)
      const idempotencyKey = method === 'POST' ? (req.headers['idempotency-key'] as string | undefined) : undefined
      if (idempotencyKey !== undefined && idempotencyKey.length > 255)
        throw invalid('Idempotency keys can be at most 255 characters long', undefined, 'idempotency_key_in_use')
      const scope = idempotencyKey === undefined ? undefined : `${key}\n${idempotencyKey}`
      const fingerprint = `${method} ${url.pathname} ${canonicalParams(params)}`
      if (scope !== undefined) {
        const seen = idempotent.get(scope)
        if (seen) {
          if (seen.fingerprint !== fingerprint)
            throw new StripeError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            })
          send(res, seen.status, seen.body, { 'idempotent-replayed': 'true', 'request-id': requestId })
          return
        }
      }
      const { status = 200, body } = api({
        method,
        path: url.pathname,
        params,
        ref: { id: requestId, idempotency_key: idempotencyKey ?? null },
      })
      // Like Stripe, a request that ran is saved under its key; one refused by validation is not.
      if (scope !== undefined) idempotent.set(scope, { fingerprint, status, body: structuredClone(body) })
      send(res, status, body, { 'request-id': requestId, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) })
    } catch (err) {
      if (err instanceof StripeError) {
        log(`${method} ${url.pathname} -> ${err.status} ${err.body.message}`)
        send(res, err.status, { error: { ...err.body, request_log_url: null } }, { 'request-id': requestId })
      } else {
        log(`${method} ${url.pathname} -> 500 ${(err as Error).stack ?? String(err)}`)
        send(
          res,
          500,
          { error: { type: 'api_error', message: 'An unexpected error occurred in the local Stripe double' } },
          { 'request-id': requestId },
        )
      }
    }
  }

  async function handleCheckout(req: IncomingMessage, res: ServerResponse, url: URL) {
    const m = /^\/checkout\/([^/]+)(\/pay|\/cancel)?$/.exec(url.pathname)
    const id = decodeURIComponent(m?.[1] ?? '')
    const record = sessions.get(id)
    if (!record) return html(res, 404, notFoundPage(id))
    const { session, price, quantity } = record
    const successUrl = (session.success_url as string).replaceAll('{CHECKOUT_SESSION_ID}', id)
    const action = m?.[2]
    if (action === '/pay' && req.method === 'POST') {
      await complete(record)
      return redirect(res, successUrl)
    }
    if (action === '/cancel' && req.method === 'GET' && typeof session.cancel_url === 'string') {
      log(`checkout ${id} canceled by the customer; back to its cancel_url`)
      return redirect(res, session.cancel_url.replaceAll('{CHECKOUT_SESSION_ID}', id))
    }
    if (action === undefined && req.method === 'GET') {
      return html(
        res,
        200,
        checkoutPage({
          sessionId: id,
          productName: price.product_name,
          priceId: price.id,
          amount: formatAmount(price.unit_amount * quantity, price.currency),
          interval: price.interval ?? 'month',
          email:
            (session.customer_email as string | null) ??
            (typeof session.customer === 'string' ? (customers.get(session.customer)?.email as string | null) : null) ??
            undefined,
          status: session.status === 'complete' ? 'complete' : 'open',
          successUrl,
          hasCancel: typeof session.cancel_url === 'string',
        }),
      )
    }
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8' })
    res.end('Method not allowed')
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stripe-double.local')
    readBody(req)
      .then(async (raw) => {
        if (url.pathname.startsWith('/v1/')) return handleApi(req, res, url, raw)
        if (url.pathname.startsWith('/checkout/')) return handleCheckout(req, res, url)
        if (url.pathname === '/health') return send(res, 200, { ok: true, object: 'local_stripe_double' })
        return send(res, 404, {
          error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname}).` },
        })
      })
      .catch((err: unknown) => {
        log(`${req.method} ${url.pathname} failed: ${(err as Error).message}`)
        if (!res.headersSent)
          send(res, 500, { error: { type: 'api_error', message: 'An unexpected error occurred in the local Stripe double' } })
        else res.destroy()
      })
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  baseUrl = `http://${host}:${port}`

  const idle = async () => {
    let seen: Promise<unknown> | undefined
    while (seen !== queue) {
      seen = queue
      await seen
    }
  }

  return {
    url: baseUrl,
    port,
    events: () => [...events],
    deliveries: () => deliveries.map((d) => ({ ...d })),
    idle,
    async close() {
      closing = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      // A Pay under way answers once its webhooks are sent (no retry is started any more).
      await idle()
      await Promise.race([closed, sleep(1_000)])
      server.closeAllConnections()
      await closed
    },
  }
}
