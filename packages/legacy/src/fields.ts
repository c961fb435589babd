// Reading attributes of untyped legacy items without trusting their shape (internal to the package).
import { createHash } from 'node:crypto'
import { rejected, type LegacyFieldValue, type Rejected, type Warning } from './result.ts'
import { parseLegacyTimestamp, toIsoMs } from './timestamps.ts'

export type LegacyRecord = Record<string, unknown>

export function isRecord(value: unknown): value is LegacyRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** null, undefined and blank strings count as absent: old app versions wrote all three. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}

/** A string attribute, trimmed, or undefined when absent, blank or not a string. */
export function readText(item: LegacyRecord, key: string): string | undefined {
  const value = item[key]
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  return text === '' ? undefined : text
}

export interface Base {
  item: LegacyRecord
  legacyId: string
}

/** The item as a record with its strategy_id, or the rejection saying why it is neither. */
export function readBase(raw: unknown): Base | Rejected {
  if (!isRecord(raw)) return rejected('not_an_item', `expected an object, got ${describe(raw)}`, undefined)
  const legacyId = raw.strategy_id
  if (typeof legacyId !== 'string' || legacyId === '') {
    return rejected('missing_legacy_id', `strategy_id is ${describe(legacyId)}`, undefined)
  }
  return { item: raw, legacyId }
}

// The contracts' UserIdSchema pattern: user ids end up inside keys.
const USER_ID = /^[A-Za-z0-9_.:-]{1,128}$/

export function readUserId(base: Base): string | Rejected {
  const raw = base.item.user_id
  if (isAbsent(raw)) return rejected('missing_user_id', 'user_id is missing', base.legacyId)
  if (typeof raw !== 'string') return rejected('bad_user_id', `user_id is ${describe(raw)}`, base.legacyId)
  const userId = raw.trim()
  if (!USER_ID.test(userId)) return rejected('bad_user_id', `user_id ${clip(userId)} cannot be a key`, base.legacyId)
  return userId
}

/** A timestamp attribute as ISO ms Z; absent is undefined, present but unreadable is a rejection. */
export function readOptionalTimestamp(base: Base, key: string): string | undefined | Rejected {
  const raw = base.item[key]
  if (isAbsent(raw)) return undefined
  const date = parseLegacyTimestamp(raw)
  if (!date) return rejected('bad_timestamp', `${key} ${clip(describe(raw))} is no timestamp`, base.legacyId)
  return toIsoMs(date)
}

/** A timestamp attribute that must be there, as ISO ms Z, else a rejection. */
export function readRequiredTimestamp(base: Base, key: string): string | Rejected {
  const value = readOptionalTimestamp(base, key)
  if (value === undefined) return rejected('bad_timestamp', `${key} is missing`, base.legacyId)
  return value
}

export function isRejected(value: unknown): value is Rejected {
  return isRecord(value) && value.kind === 'rejected'
}

/**
 * A free-form field (details, strategy, result): a map or list is kept, a string holding a JSON
 * object or array is parsed, any other string is kept as written (with a `broken_json` warning when
 * it starts like JSON but does not parse). Absent, or of another type (a number, a boolean), is
 * undefined. JSON strings of scalars (`"12"`, `"null"`) stay strings: they are not structured data.
 */
export function readFreeForm(base: Base, key: string, warnings: Warning[]): LegacyFieldValue | undefined {
  const raw = base.item[key]
  if (isRecord(raw) || Array.isArray(raw)) return raw
  if (typeof raw !== 'string' || raw.trim() === '') return undefined
  const text = raw.trim()
  if (!text.startsWith('{') && !text.startsWith('[')) return raw
  try {
    const parsed: unknown = JSON.parse(text)
    if (isRecord(parsed) || Array.isArray(parsed)) return parsed
  } catch {
    // Not JSON after all: the rule is to keep the string, not to fail.
  }
  warnings.push({ code: 'broken_json', detail: `${key} is not valid JSON; kept as a string` })
  return raw
}

/** A short, safe description of any value for rejection details. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(clip(value))
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return `a ${typeof value}`
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** 16 hex digits of the sha256 of a string: a stable, practically unique suffix. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** Lower case with runs of spaces and dashes as `_`: `Action-Log`, `action log` and `ACTION_LOG` meet. */
export function normalizeName(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
}
