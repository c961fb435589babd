// How a row of a new table is compared with what its legacy item maps to: the one comparison the
// verify (apps/migrator) and the shadow reads of the services both make.
import { isDeepStrictEqual } from 'node:util'
import type { MigrationStamp } from './result.ts'

// Attributes a migrated row may carry beyond what the transform gives, or that differ by run.
const VOLATILE = new Set(['migrated_at', 'expires_at'])

/** Each field that differs: what the legacy item maps to (`legacy`) and what the row holds (`new`). Empty when they agree. */
export function rowDifferences(
  expected: Record<string, unknown>,
  row: Record<string, unknown>,
): Record<string, { legacy: unknown; new: unknown }> {
  const found: Record<string, { legacy: unknown; new: unknown }> = {}
  for (const [key, want] of Object.entries(expected)) {
    if (VOLATILE.has(key)) continue
    if (!isDeepStrictEqual(row[key], want)) found[key] = { legacy: want, new: row[key] }
  }
  for (const key of Object.keys(row)) {
    if (!(key in expected) && !VOLATILE.has(key)) found[key] = { legacy: undefined, new: row[key] }
  }
  return found
}

/**
 * Whether a row still holds what the migration wrote from `legacyId`: not written by live traffic,
 * nor changed by it since (a Stripe event). Such a row rightly differs from legacy, which no longer
 * sees those changes, and is not compared.
 */
export const migratedUnchanged = (row: Record<string, unknown>, legacyId: string): boolean =>
  (row as Partial<MigrationStamp>).migrated_from === legacyId && row.last_event_id === undefined
