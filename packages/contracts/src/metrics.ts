// The metrics the apps write (service-kit metrics.ts, as CloudWatch embedded metric format) and the
// CDK app's dashboard and alarms read: one list, so a renamed metric cannot leave a graph empty.

/** Where every app's metrics go in CloudWatch. */
export const METRICS_NAMESPACE = 'F1RaceSim'

/** On every request line, per service and route: the request's time, and 1 when it answered 5xx. */
export const REQUEST_METRICS = ['latency_ms', 'fault'] as const
export type RequestMetric = (typeof REQUEST_METRICS)[number]

/** Domain counts, each with its dimensions (besides `service`). */
export const DOMAIN_METRICS = {
  /** A consume or charge refused by a quota (usage-service), per feature. */
  quota_denials: ['feature'],
  /** An event handled from a consumer's queue, per detail-type and outcome (processed or ignored). */
  events_delivered: ['detail_type', 'outcome'],
  /** An event whose handling failed, to be received again. */
  events_retried: [],
  /** An event that broke its contract, moved to the dead-letter queue by its consumer. */
  events_dead_lettered: [],
  /** Legacy items read by a backfill, per kind of run (backfill or dry-run). */
  backfill_items: ['run'],
} as const satisfies Record<string, readonly string[]>
export type DomainMetric = keyof typeof DOMAIN_METRICS
/** The dimension values a domain metric is counted with. */
export type DomainDimensions<M extends DomainMetric> = Record<(typeof DOMAIN_METRICS)[M][number], string>
