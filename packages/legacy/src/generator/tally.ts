// The generator's tally: what it produced (items per kind, defects, timestamp formats) and the
// outcome a correct migration of those items must report.
import type { LegacyKind } from '../kinds.ts'
import {
  REJECTION_REASONS,
  SKIP_REASONS,
  TARGET_TABLES,
  WARNING_CODES,
  type RejectionReason,
  type SkipReason,
  type TargetTable,
  type WarningCode,
} from '../result.ts'
import { TIMESTAMP_FORMATS, type TimestampFormat } from './formats.ts'
import { DEFECT_NAMES, type DefectName } from './rates.ts'

export type GeneratedKind = LegacyKind | 'unknown'
const GENERATED_KINDS: readonly GeneratedKind[] = ['profile', 'usage', 'action', 'strategy', 'email_lock', 'unknown']

/** What a correct migration of the generated items reports. */
export interface ExpectedOutcome {
  /** Items that map, per table (usage: before merging). */
  mapped: Record<TargetTable, number>
  /** Rows in each table after merging usage items of one user, feature and UTC day. */
  rows: Record<TargetTable, number>
  skipped: Record<SkipReason, number>
  rejected: Record<RejectionReason, number>
  /** Warnings on mapped items (unknown_track is the count of unresolved track names). */
  warnings: Record<WarningCode, number>
  /** The sum of usage_count over all usage rows. */
  usageCount: number
  /** Lower-cased emails held by more than one profile. */
  emailConflicts: number
}

export interface LegacyTally {
  /** Users whose items have all been yielded; every other count covers exactly those users. */
  users: number
  items: number
  byKind: Record<GeneratedKind, number>
  /** How often each defect was applied (per field for formats, names and JSON forms; per usage day for duplicateUsage). */
  defects: Record<DefectName, number>
  timestampFormats: Record<TimestampFormat, number>
  expected: ExpectedOutcome
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>

/** A tally with every count at zero. */
export function emptyTally(): LegacyTally {
  return {
    users: 0,
    items: 0,
    byKind: zeros(GENERATED_KINDS),
    defects: zeros(DEFECT_NAMES),
    timestampFormats: zeros(TIMESTAMP_FORMATS),
    expected: {
      mapped: zeros(TARGET_TABLES),
      rows: zeros(TARGET_TABLES),
      skipped: zeros(SKIP_REASONS),
      rejected: zeros(REJECTION_REASONS),
      warnings: zeros(WARNING_CODES),
      usageCount: 0,
      emailConflicts: 0,
    },
  }
}

function addCounts<K extends string>(into: Record<K, number>, from: Record<K, number>): void {
  for (const key of Object.keys(from) as K[]) into[key] += from[key]
}

/** Adds one tally into another (e.g. tallies of several generator runs). */
export function addTally(into: LegacyTally, from: LegacyTally): void {
  into.users += from.users
  into.items += from.items
  addCounts(into.byKind, from.byKind)
  addCounts(into.defects, from.defects)
  addCounts(into.timestampFormats, from.timestampFormats)
  addCounts(into.expected.mapped, from.expected.mapped)
  addCounts(into.expected.rows, from.expected.rows)
  addCounts(into.expected.skipped, from.expected.skipped)
  addCounts(into.expected.rejected, from.expected.rejected)
  addCounts(into.expected.warnings, from.expected.warnings)
  into.expected.usageCount += from.expected.usageCount
  into.expected.emailConflicts += from.expected.emailConflicts
}
