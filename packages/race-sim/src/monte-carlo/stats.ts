// Order statistics of a study's outcomes.

/** Linear interpolation between order statistics of a sorted sample (numpy's default). */
export function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.min(lo + 1, sorted.length - 1)
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!)
}
