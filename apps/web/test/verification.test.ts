import { expect, test } from 'vitest'
import { ApiError } from '../src/api/errors.ts'
import type { Verification } from '../src/api/types.ts'
import { runningVerification, verifyOutcome, verifyProgressText } from '../src/lib/verification.ts'

type Report = NonNullable<Verification['report']>
const table = { expected: 0, matching: 0, kept_live: 0, migrated_rows: 0 }
const report = (differences: Report['differences']): Report => ({
  agree: differences.missing + differences.different + differences.extra === 0,
  legacy: { read: 10, mapped: 8, rejected: 1, skipped: 1 },
  tables: { subscriptions: table, usage: table, actions: table, simulations: table },
  differences,
  sample: [],
})

test('a verify outcome says they agree, or counts the differences by type leaving out the types with none', () => {
  expect(verifyOutcome(report({ missing: 0, different: 0, extra: 0 }))).toBe('Legacy and the new tables agree.')
  expect(verifyOutcome(report({ missing: 1200, different: 0, extra: 3 }))).toBe('1,203 differences: 1,200 missing, 3 extra.')
  expect(verifyOutcome(report({ missing: 0, different: 1, extra: 0 }))).toBe('1 difference: 1 different.')
})

test('the progress line names the pass, and gives an end time only in the first pass, whose size is known', () => {
  const base = { legacy_read: 1500, migrated_read: 0, differences: 0, total_estimate: 6000, items_per_s: 300, eta_s: 15 }
  expect(verifyProgressText({ ...base, pass: 'legacy' })).toBe(
    'Pass 1 of 2, legacy against the new tables: 1,500 of about 6,000 legacy items read · 300 items/s · pass done in 15 s',
  )
  expect(verifyProgressText({ ...base, pass: 'legacy', total_estimate: null, eta_s: null })).toBe(
    'Pass 1 of 2, legacy against the new tables: 1,500 legacy items read · 300 items/s',
  )
  expect(verifyProgressText({ ...base, pass: 'migrated', migrated_read: 4200, eta_s: null })).toBe(
    'Pass 2 of 2, migrated rows against legacy: 4,200 rows read (1,500 legacy items in pass 1) · 300 items/s',
  )
})

test('a start refused because a verify is running gives that verify to follow; other refusals give none', () => {
  const busy = new ApiError(409, { error: { code: 'VERIFY_IN_PROGRESS', message: 'busy', details: { verification_id: 'ver-1' } } }, null)
  expect(runningVerification(busy)).toBe('ver-1')
  const backfill = new ApiError(409, { error: { code: 'RUN_IN_PROGRESS', message: 'A backfill is already running' } }, null)
  expect(runningVerification(backfill)).toBeUndefined()
  expect(runningVerification(new Error('offline'))).toBeUndefined()
})
