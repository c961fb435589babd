// Metrics as CloudWatch embedded metric format (EMF): a JSON log line with an `_aws` member is also
// a metric document, which CloudWatch Logs turns into metrics as it ingests the app's log. So the
// one line a request already writes carries its latency and fault (RED per route, no extra line),
// and a domain count is one line of its own. Nothing else to run: no agent, no collector.
import { METRICS_NAMESPACE, type DomainDimensions, type DomainMetric } from '@f1/contracts/metrics'

export { METRICS_NAMESPACE }

export type MetricUnit = 'Milliseconds' | 'Count'

/** The `_aws` member that makes a log line a metric document: each named metric and dimension is a member of the line. */
export function emfMetadata(dimensionSets: string[][], metrics: Array<{ name: string; unit: MetricUnit }>, timestamp = Date.now()) {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        { Namespace: METRICS_NAMESPACE, Dimensions: dimensionSets, Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })) },
      ],
    },
  }
}

/** The request line's metric members: latency and fault per route (and per service), as RED needs them. */
export function requestMetrics(route: string, statusCode: number, latencyMs: number) {
  return {
    route,
    latency_ms: Math.round(latencyMs * 1000) / 1000,
    fault: statusCode >= 500 ? 1 : 0,
    ...emfMetadata(
      [['service', 'route'], ['service']],
      [
        { name: 'latency_ms', unit: 'Milliseconds' },
        { name: 'fault', unit: 'Count' },
      ],
    ),
  }
}

/** Any logger whose lines carry the app's `service` (pino's base field on every app and CLI). */
export interface MetricLog {
  info(obj: object, msg: string): void
}

/**
 * Counts `value` of a domain metric on a line of its own, per service and per each of `dimensions`
 * (a few values each, never ids: every combination is a metric CloudWatch bills).
 */
export function countMetric<M extends DomainMetric>(log: MetricLog, name: M, dimensions: DomainDimensions<M>, value = 1): void {
  const keys = Object.keys(dimensions)
  log.info(
    { ...(dimensions as Record<string, string>), [name]: value, ...emfMetadata([['service', ...keys]], [{ name, unit: 'Count' }]) },
    `metric ${name}`,
  )
}
