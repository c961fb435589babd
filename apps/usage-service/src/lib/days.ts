// UTC day arithmetic for per-day counters: reset instants, expiry. Their keys are in @f1/tables/keys.
import { utcDay } from '@f1/tables/keys'

const DAY_MS = 86_400_000

/** The instant a day's counters reset: the next UTC midnight after the day starts. */
export function resetInstant(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS)
}

/** True for a real calendar day (rejects 2026-02-30, which the pattern alone lets through). */
export function isRealDay(day: string): boolean {
  const parsed = Date.parse(`${day}T00:00:00.000Z`)
  return !Number.isNaN(parsed) && utcDay(new Date(parsed)) === day
}

/** Whole seconds from `now` until `until`, at least 1 (for Retry-After). */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000))
}
