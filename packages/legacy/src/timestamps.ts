// Timestamps, numbers and race clocks as the old app stored them (docs/legacy-data.md, "Timestamps
// and numbers"): every format, as numbers or as strings. Each parser returns undefined for what it
// cannot read and never throws.

/**
 * Epoch values below this are seconds, at or above it milliseconds. 1e11 seconds is the year 5138
 * and 1e11 milliseconds is 1973-03-03, so real data of either unit lands on the right side.
 */
export const EPOCH_MS_THRESHOLD = 1e11

const MIN_MS = 0 // 1970-01-01T00:00:00.000Z
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999) // the last instant toISOString writes with 4 digits

// `YYYY-MM-DD`, optionally `T` or a space and `HH:mm`, `:ss`, `.fraction`, then `Z` or an offset.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i
const DECIMAL = /^\d+(?:\.\d+)?$/
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i

function fromMs(ms: number): Date | undefined {
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined
  return new Date(Math.round(ms))
}

/** An epoch value in seconds or milliseconds, told apart by EPOCH_MS_THRESHOLD. */
function fromEpoch(value: number): Date | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined
  return fromMs(value < EPOCH_MS_THRESHOLD ? value * 1000 : value)
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function fromIso(text: string): Date | undefined {
  const m = ISO.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'))
  let offsetMinutes = 0
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = Number(digits.slice(2) || '0')
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om)
  }
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms))
  date.setUTCFullYear(year)
  return fromMs(date.getTime() - offsetMinutes * 60_000)
}

/**
 * The instant a legacy timestamp means, or undefined when it is not one. Reads ISO-8601 with or
 * without milliseconds and zone (no zone is UTC; `Z` and `±HH:MM` offsets are applied), the same
 * with a space instead of `T` (`YYYY-MM-DD HH:mm:ss`), a bare day `YYYY-MM-DD` (UTC midnight), and
 * epoch seconds or milliseconds as numbers or digit strings (see EPOCH_MS_THRESHOLD). Accepts
 * instants from 1970-01-01 to 9999-12-31 only.
 */
export function parseLegacyTimestamp(raw: unknown): Date | undefined {
  if (typeof raw === 'number') return fromEpoch(raw)
  if (raw instanceof Date) return fromMs(raw.getTime())
  if (typeof raw !== 'string') return undefined
  const text = raw.trim()
  if (DECIMAL.test(text)) return fromEpoch(Number(text))
  return fromIso(text)
}

/** ISO-8601 with milliseconds and `Z`, the new tables' format. */
export function toIsoMs(date: Date): string {
  return date.toISOString()
}

/** The next UTC midnight after the start of a `YYYY-MM-DD` day, ISO ms Z (a usage row's reset_date). */
export function nextUtcMidnight(day: string): string {
  const start = Date.parse(`${day}T00:00:00.000Z`)
  return new Date(start + 86_400_000).toISOString()
}

/** A finite number, or a string holding one in plain decimal or exponent notation (`"12"`, `" 5234.117 "`). */
export function parseLegacyNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined
  if (typeof raw !== 'string') return undefined
  const text = raw.trim()
  if (!NUMBER.test(text)) return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

/** The largest count believed: no day of real use comes near it, and sums of many stay exact integers. */
export const MAX_LEGACY_COUNT = 1_000_000_000

/** A whole count from 0 to MAX_LEGACY_COUNT (`12`, `"12"`, `"12.0"`), or undefined. */
export function parseLegacyCount(raw: unknown): number | undefined {
  const value = parseLegacyNumber(raw)
  if (value === undefined || !Number.isInteger(value) || value < 0 || value > MAX_LEGACY_COUNT) return undefined
  return value === 0 ? 0 : value // no -0
}

const CLOCK_HMS = /^(\d+):([0-5]?\d):([0-5]\d)(?:\.(\d+))?$/
const CLOCK_MS = /^(\d+):([0-5]\d)(?:\.(\d+))?$/

/**
 * Seconds of a race clock: `H:MM:SS.mmm` (`1:27:14.117` is 5234.117), or `M:SS.mmm` for races
 * under an hour. Fractions beyond milliseconds are cut. Undefined when the text is no clock.
 */
export function parseRaceClock(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined
  const text = raw.trim()
  let hours = '0'
  let minutes: string | undefined
  let seconds: string | undefined
  let fraction: string | undefined
  const hms = CLOCK_HMS.exec(text)
  if (hms) [, hours = '0', minutes, seconds, fraction] = hms
  else {
    const ms = CLOCK_MS.exec(text)
    if (!ms) return undefined
    ;[, minutes, seconds, fraction] = ms
  }
  const whole = (Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)
  const millis = whole * 1000 + Number((fraction ?? '').slice(0, 3).padEnd(3, '0'))
  return Number.isSafeInteger(millis) ? millis / 1000 : undefined
}

/** A duration in seconds: a non-negative number, a numeric string, or a race clock. */
export function parseLegacyDuration(raw: unknown): number | undefined {
  const value = parseLegacyNumber(raw) ?? parseRaceClock(raw)
  if (value === undefined || value < 0) return undefined
  return value === 0 ? 0 : value
}
