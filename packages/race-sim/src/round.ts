/** Seconds rounded to the millisecond, as every time in the contract. */
export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}
