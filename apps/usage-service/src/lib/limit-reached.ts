// A refusal: counted (the quota_denials metric), and Usage Limit Reached written (with the day's mark)
// the first time a user's feature is refused on a day.
import type { FeatureName } from '@f1/contracts/common'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { countMetric } from '@f1/service-kit/metrics'
import { QuotaExceededError } from '../errors.ts'

interface RefusedCounter {
  feature: FeatureName
  date: string
  usage_count: number
  limit_value: number
}

/** Rethrows `err` after announcing a refusal; a missed announcement is only logged, the 429 is what matters. */
export async function announceRefusal(
  app: FastifyInstance,
  request: FastifyRequest,
  userId: string,
  err: unknown,
  now: Date,
): Promise<never> {
  const details = err instanceof QuotaExceededError ? (err as { details?: RefusedCounter }).details : undefined
  if (details) countMetric(request.log, 'quota_denials', { feature: details.feature })
  if (details) {
    try {
      const { feature, date, usage_count, limit_value } = details
      const event = app.outbox.event('UsageLimitReached', request, userId, { feature, date, usage_count, limit_value })
      await app.usage.markLimitReached(userId, feature, date, now, app.outbox.put(event))
    } catch (markErr) {
      request.log.warn({ err: markErr }, 'could not record that the limit was reached')
    }
  }
  throw err
}
