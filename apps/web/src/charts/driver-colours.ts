// Drivers keep one colour in every chart of a result: the palette is dealt in alphabetical order of
// the result's driver codes, so it depends only on who is in the race, not on a chart's own order.
// With 20 cars no palette stays readable alone, hence the focus: one driver bold, the rest faded.

/** Twenty colours far enough apart for lines on white (light tints left out: they vanish as thin lines). */
export const DRIVER_PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#0f9bb8',
  '#f032e6',
  '#7a9a01',
  '#c79a00',
  '#469990',
  '#9a6324',
  '#800000',
  '#6b6b00',
  '#000075',
  '#ff6f91',
  '#5d5d5d',
  '#2f4b7c',
  '#b5651d',
  '#00a676',
  '#8e6bbf',
] as const

export interface DriverColours {
  /** Driver codes, alphabetical: the colour scale's domain. */
  domain: string[]
  /** One colour per domain entry. */
  range: string[]
  colour(driver: string): string
}

export function driverColours(drivers: Iterable<string>): DriverColours {
  const domain = [...new Set(drivers)].sort()
  const range = domain.map((_, i) => DRIVER_PALETTE[i % DRIVER_PALETTE.length] ?? '#000000')
  const byDriver = new Map(domain.map((d, i) => [d, range[i] ?? '#000000']))
  return { domain, range, colour: (driver) => byDriver.get(driver) ?? '#000000' }
}

/** How strongly a driver's marks are drawn: everyone plainly without a focus, the focus alone bold with one. */
export function driverEmphasis(driver: string, focusDriver: string | undefined): { opacity: number; strokeWidth: number } {
  if (focusDriver === undefined) return { opacity: 0.85, strokeWidth: 1.5 }
  return driver === focusDriver ? { opacity: 1, strokeWidth: 3 } : { opacity: 0.25, strokeWidth: 1 }
}

/** Whether the focus names a driver of this result (a stale or foreign focus is ignored, not drawn as "everyone faded"). */
export function knownFocus(focusDriver: string | undefined, drivers: readonly string[]): string | undefined {
  return focusDriver !== undefined && drivers.includes(focusDriver) ? focusDriver : undefined
}
