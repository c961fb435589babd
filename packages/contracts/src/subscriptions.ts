// Subscription bodies (subscription-service and the gateway).
import Type, { type Static } from 'typebox'
import { PlanIdSchema } from './common.ts'

/** Stripe's subscription statuses; the legacy `cancelled` spelling is mapped to `canceled`. */
export const SUBSCRIPTION_STATUSES = [
  'active',
  'trialing',
  'past_due',
  'canceled',
  'unpaid',
  'incomplete',
  'incomplete_expired',
  'paused',
] as const
export const SubscriptionStatusSchema = Type.Enum(SUBSCRIPTION_STATUSES)
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number]

/** Statuses in which a paid plan's features are granted. */
export const ENTITLED_STATUSES: ReadonlySet<SubscriptionStatus> = new Set(['active', 'trialing', 'past_due'])

export const SubscriptionSchema = Type.Object({
  subscription_id: Type.Union([Type.String(), Type.Null()], { description: 'null when the user never subscribed (free)' }),
  plan_id: PlanIdSchema,
  status: SubscriptionStatusSchema,
  current_period_start: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  current_period_end: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  cancel_at_period_end: Type.Boolean(),
  /** The plan in force now: plan_id while entitled and inside the period, else `free`. */
  effective_plan_id: PlanIdSchema,
  source: Type.Enum(['subscriptions', 'legacy', 'default'], { description: 'Where the answer came from' }),
})
export type Subscription = Static<typeof SubscriptionSchema>

export const CheckoutBodySchema = Type.Object(
  {
    plan_id: Type.String({ minLength: 1, maxLength: 32 }),
    success_url: Type.String({ format: 'uri', maxLength: 2048 }),
    cancel_url: Type.String({ format: 'uri', maxLength: 2048 }),
  },
  { additionalProperties: false },
)
export type CheckoutBody = Static<typeof CheckoutBodySchema>

/** What subscription-service takes: the public body plus the customer's email from the token. */
export const ServiceCheckoutBodySchema = Type.Object(
  { ...CheckoutBodySchema.properties, email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })) },
  { additionalProperties: false },
)
export type ServiceCheckoutBody = Static<typeof ServiceCheckoutBodySchema>

export const CheckoutResponseSchema = Type.Object({ checkout_url: Type.String(), session_id: Type.String() })

export const CancelResponseSchema = Type.Object({
  subscription_id: Type.String(),
  cancel_at_period_end: Type.Literal(true),
  current_period_end: Type.Union([Type.String(), Type.Null()]),
})

export const WebhookResponseSchema = Type.Object({
  received: Type.Literal(true),
  outcome: Type.Enum(['applied', 'duplicate', 'stale', 'ignored']),
})
export type WebhookResponse = Static<typeof WebhookResponseSchema>

/** A plan as the console's plan page shows it: its per-day limits (0: not included) and flags. */
export const PlanSchema = Type.Object({
  id: PlanIdSchema,
  name: Type.String(),
  limits: Type.Object(
    {
      simulation_run: Type.Integer({ minimum: 0 }),
      monte_carlo_run: Type.Integer({ minimum: 0 }),
      strategy_compare: Type.Integer({ minimum: 0 }),
      api_request: Type.Integer({ minimum: 0 }),
    },
    { description: 'Per UTC day; 0 means the plan does not include the feature' },
  ),
  features: Type.Object({ priority_support: Type.Boolean(), team_seats: Type.Integer({ minimum: 1 }) }),
})
export const PlanListSchema = Type.Object({ plans: Type.Array(PlanSchema, { description: 'Cheapest first' }) })
export type PlanList = Static<typeof PlanListSchema>
