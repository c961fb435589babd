// How the old app versions wrote timestamps, race clocks and names: the canonical forms and the
// other spellings the accepted defects choose from.

export const DAY_MS = 86_400_000

export const TIMESTAMP_FORMATS = [
  'iso_ms_z',
  'iso_z',
  'iso_ms',
  'iso',
  'space',
  'epoch_s',
  'epoch_s_string',
  'epoch_ms',
  'epoch_ms_string',
  'day',
] as const
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number]

/** The formats altTimestampFormat picks from in place of ISO ms Z, and in place of a bare day. */
export const ALT_FORMATS = TIMESTAMP_FORMATS.filter((format) => format !== 'iso_ms_z' && format !== 'day')
export const ALT_DAY_FORMATS = TIMESTAMP_FORMATS.filter((format) => format !== 'day')

export function formatTimestamp(ms: number, format: TimestampFormat): string | number {
  const iso = new Date(ms).toISOString()
  switch (format) {
    case 'iso_ms_z':
      return iso
    case 'iso_z':
      return `${iso.slice(0, 19)}Z`
    case 'iso_ms':
      return iso.slice(0, 23)
    case 'iso':
      return iso.slice(0, 19)
    case 'space':
      return iso.slice(0, 19).replace('T', ' ')
    case 'epoch_s':
      return Math.floor(ms / 1000)
    case 'epoch_s_string':
      return String(Math.floor(ms / 1000))
    case 'epoch_ms':
      return ms
    case 'epoch_ms_string':
      return String(ms)
    case 'day':
      return iso.slice(0, 10)
  }
}

/** A duration in seconds as `H:MM:SS.mmm`. */
export function raceClock(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`
}

export const upper = (name: string): string => name.toUpperCase()
export const title = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1)

/** An email with each part capitalized, as old app versions kept it when typed so. */
export function titleEmail(email: string): string {
  return email.replace(/(^|[.@])([a-z])/g, (_, sep: string, letter: string) => sep + letter.toUpperCase())
}
