// Which events go to which consumer, as EventBridge rules, and the queue each consumer reads them
// from. The CDK app makes one rule per entry that puts the matched event on its target's queue; the
// local bus matches the same patterns and puts on the same queues of its local SQS.
import { EVENTS } from '@f1/contracts/events'
import type { ServiceName } from '@f1/contracts/services'

/** An EventBridge event pattern (exact values, prefix, suffix, anything-but, exists, numeric...). */
export type EventPattern = { [field: string]: EventPattern | unknown[] }

/** The apps that consume events, each from its own queue (and, locally, at POST /events with the bus secret). */
export const CONSUMERS = ['action-log-service', 'usage-service', 'migrator'] as const satisfies readonly ServiceName[]
export type Consumer = (typeof CONSUMERS)[number]

export interface EventRule {
  /** Rule name, unique on the bus (also the CDK construct id). */
  name: string
  description: string
  eventPattern: EventPattern
  target: Consumer
}

/**
 * The queue a consumer reads its events from, and where SQS moves what it received too often: the
 * one rule for their settings, shared by the CDK app and the local bus.
 */
export const EVENT_QUEUE = {
  /** Receives of one message before SQS moves it to the dead-letter queue. */
  maxReceiveCount: 10,
  /** How long a received message stays hidden while its consumer handles it: longer than any handler's deadline. */
  visibilityTimeoutSeconds: 60,
  /** How long a message waits for its consumer, and a dead letter for the operator: SQS's maximum. */
  retentionSeconds: 14 * 24 * 3600,
} as const

/** The name of a consumer's event queue (the CDK app prefixes it with the stage). */
export const eventQueueName = (consumer: Consumer) => `${consumer}-events`
/** The name of the queue a consumer's undeliverable events end in. */
export const eventDeadLetterQueueName = (consumer: Consumer) => `${consumer}-events-dlq`

export const CONSUMER_PATH = '/events'
export const BUS_SECRET_HEADER = 'x-bus-secret'

export const RULES: readonly EventRule[] = [
  {
    name: 'all-events-to-action-log',
    description: "Every domain event becomes one row of the user's action log",
    eventPattern: { source: [{ prefix: 'f1.' }] },
    target: 'action-log-service',
  },
  {
    name: 'failed-simulations-to-usage',
    description: 'A failed simulation refunds the charge that paid for it (at most what the charge recorded; idempotent per charge)',
    eventPattern: {
      source: [EVENTS.SimulationFailed.source],
      'detail-type': [EVENTS.SimulationFailed.detailType],
      detail: { charge_id: [{ exists: true }] },
    },
    target: 'usage-service',
  },
  {
    name: 'user-activity-to-migrator',
    description: 'A user who signs in or registers has their legacy items migrated (lazy backfill)',
    eventPattern: {
      source: [EVENTS.UserSignedIn.source],
      'detail-type': [EVENTS.UserSignedIn.detailType, EVENTS.UserRegistered.detailType],
    },
    target: 'migrator',
  },
]

/**
 * The apps that put events on the bus, each with the one `source` it publishes under (the CDK app
 * makes it the `events:source` condition of the app's PutEvents grant).
 */
export const PUBLISHERS = {
  gateway: EVENTS.UserRegistered.source,
  'subscription-service': EVENTS.SubscriptionActivated.source,
  'usage-service': EVENTS.UsageLimitReached.source,
  'simulation-service': EVENTS.SimulationCompleted.source,
  migrator: EVENTS.UserMigrated.source,
} as const satisfies Partial<Record<ServiceName, string>>
export type Publisher = keyof typeof PUBLISHERS
