// The values the rejecting defects write: names no plan, status, feature or item type has, and
// timestamps and counts no parser accepts.

export const UNKNOWN_FEATURES = ['pdf_export', 'telemetry_download', 'lap_chart', 'ghost_car']
export const UNKNOWN_PLANS = ['gold', 'platinum', 'VIP', 'trial-2019']
export const UNKNOWN_STATUSES = ['frozen', 'on_hold', 'pending_review']
/** `undefined`: the item has no type at all. */
export const UNKNOWN_TYPES: ReadonlyArray<string | undefined> = ['session', 'cart', 'Settings', 'feedback', undefined]
export const BAD_TIMESTAMPS = [
  'not a date',
  '2023-13-45 25:61:00',
  '31/12/2023',
  'N/A',
  'NaN',
  '17OO000000',
  'yesterday',
  '2023-02-30T10:00:00Z',
]
export const BAD_COUNTS: readonly unknown[] = ['lots', -3, '2.5', 'twelve', '12abc', 4.5, null]
