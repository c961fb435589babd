// Domain events: one EventBridge envelope shape, one detail schema per detail-type. Each is written
// to its producer's outbox with the state change it reports and relayed to the bus. Delivery is
// at-least-once and unordered: consumers dedupe on the detail's `event_id` (never on the bus
// envelope's id, which a relay or bus retry changes) and accept any arrival order.
import Type, { type Static, type TObject, type TProperties } from 'typebox'
import { FeatureNameSchema, IsoDateSchema, IsoTimestampSchema, PlanIdSchema, UserIdSchema } from './common.ts'
import { MIGRATION_KINDS, MIGRATION_STAGES } from './migration-stages.ts'
import { SubscriptionStatusSchema } from './subscriptions.ts'

export const EVENT_SOURCES = ['f1.gateway', 'f1.subscriptions', 'f1.usage', 'f1.simulations', 'f1.migrator'] as const
export type EventSource = (typeof EVENT_SOURCES)[number]

/** Fields every detail carries: its stable id, who, when, which request caused it, and the schema version. */
const base = {
  event_id: Type.String({
    minLength: 26,
    maxLength: 26,
    pattern: '^[0-9A-HJKMNP-TV-Z]{26}$',
    description: 'A ULID fixed when the event is written to its outbox: the same on every delivery, what consumers dedupe on',
  }),
  user_id: UserIdSchema,
  occurred_at: IsoTimestampSchema,
  correlation_id: Type.String({ minLength: 1, maxLength: 128, description: 'The request id that caused the event' }),
  version: Type.Integer({ minimum: 1 }),
  traceparent: Type.Optional(
    Type.String({
      pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description: "The W3C trace context of the work that caused the event, when it was traced: its consumers' spans join that trace",
    }),
  ),
}

function detail<P extends TProperties>(properties: P) {
  return Type.Object({ ...base, ...properties })
}

interface EventContract<S extends EventSource, D extends string, T extends TObject> {
  source: S
  detailType: D
  version: number
  detail: T
}

function contract<S extends EventSource, D extends string, T extends TObject>(
  source: S,
  detailType: D,
  version: number,
  schema: T,
): EventContract<S, D, T> {
  return { source, detailType, version, detail: schema }
}

const SubscriptionFields = {
  subscription_id: Type.String(),
  plan_id: PlanIdSchema,
  status: SubscriptionStatusSchema,
  current_period_end: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  sequence: Type.Integer({
    minimum: 0,
    description:
      "When Stripe created the change (epoch ms): a subscription's events apply in this order, and a consumer that keeps " +
      'the state ignores one older than what it has',
  }),
}

export const EVENTS = {
  /** A user created an account. */
  UserRegistered: contract('f1.gateway', 'User Registered', 1, detail({ email: Type.String(), name: Type.String() })),
  /** A user logged in. */
  UserSignedIn: contract('f1.gateway', 'User Signed In', 1, detail({})),
  /** A paid subscription started granting its plan. */
  SubscriptionActivated: contract('f1.subscriptions', 'Subscription Activated', 1, detail(SubscriptionFields)),
  /** A subscription's plan or status changed. */
  SubscriptionChanged: contract(
    'f1.subscriptions',
    'Subscription Changed',
    1,
    detail({ ...SubscriptionFields, previous_plan_id: Type.Union([PlanIdSchema, Type.Null()]) }),
  ),
  /** A subscription ended or was set to end at its period end. */
  SubscriptionCanceled: contract(
    'f1.subscriptions',
    'Subscription Canceled',
    1,
    detail({ ...SubscriptionFields, at_period_end: Type.Boolean() }),
  ),
  /** A renewal payment failed; Stripe retries it. */
  SubscriptionPaymentFailed: contract(
    'f1.subscriptions',
    'Subscription Payment Failed',
    1,
    detail({ subscription_id: Type.String(), sequence: SubscriptionFields.sequence }),
  ),
  /** A consume was refused at the plan's daily limit. */
  UsageLimitReached: contract(
    'f1.usage',
    'Usage Limit Reached',
    1,
    detail({
      feature: FeatureNameSchema,
      date: IsoDateSchema,
      usage_count: Type.Integer({ minimum: 0 }),
      limit_value: Type.Integer({ minimum: 0 }),
    }),
  ),
  /** A simulation finished and its result is stored. */
  SimulationCompleted: contract(
    'f1.simulations',
    'Simulation Completed',
    1,
    detail({
      simulation_id: Type.String(),
      track_id: Type.String(),
      mode: Type.String(),
      total_time: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  /**
   * A simulation could not run or was abandoned; nothing of it is stored. With `charge_id`, the
   * charge that paid for it is refunded (usage-service refunds at most what that charge recorded).
   */
  SimulationFailed: contract(
    'f1.simulations',
    'Simulation Failed',
    2,
    detail({
      simulation_id: Type.Union([Type.String(), Type.Null()]),
      track_id: Type.String(),
      mode: Type.String(),
      error_code: Type.String(),
      charge_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    }),
  ),
  /** A user's legacy items were copied into the new tables. */
  UserMigrated: contract(
    'f1.migrator',
    'User Migrated',
    1,
    detail({ written: Type.Record(Type.String(), Type.Integer({ minimum: 0 })), rejected: Type.Integer({ minimum: 0 }) }),
  ),
  /** An operator moved a kind of data to another migration stage (user_id: the operator). */
  MigrationStageChanged: contract(
    'f1.migrator',
    'Migration Stage Changed',
    1,
    detail({
      kind: Type.Enum(MIGRATION_KINDS),
      stage: Type.Enum(MIGRATION_STAGES),
      previous_stage: Type.Enum(MIGRATION_STAGES),
      sample_rate: Type.Number({ minimum: 0, maximum: 1 }),
    }),
  ),
} as const

export type EventName = keyof typeof EVENTS
export type EventDetail<N extends EventName> = Static<(typeof EVENTS)[N]['detail']>
/** The detail of any event of the platform. */
export type AnyEventDetail = EventDetail<EventName>

const EVENT_NAMES = Object.keys(EVENTS) as EventName[]

/** The event a detail-type names, or undefined for one this platform does not define. */
export function eventNameOf(detailType: string): EventName | undefined {
  return EVENT_NAMES.find((name) => EVENTS[name].detailType === detailType)
}

/** The event as EventBridge delivers it to a target (an API destination posts this JSON). */
export const EventEnvelopeSchema = Type.Object({
  version: Type.String(),
  id: Type.String({ minLength: 1, maxLength: 128 }),
  'detail-type': Type.String({ minLength: 1 }),
  source: Type.String({ minLength: 1 }),
  account: Type.String(),
  time: Type.String(),
  region: Type.String(),
  resources: Type.Array(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
})
export type EventEnvelope = Static<typeof EventEnvelopeSchema>
