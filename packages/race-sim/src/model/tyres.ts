// Tyre degradation (Heilmeier et al. 2018, 2020): time loss over a fresh tyre of the fastest
// compound, by the tyre's age in laps at the start of the lap.
import type { CompoundFit, TyreModel } from '../catalog/types.ts'

/** A fit reduced to one shape, so the lap loop needs no lookups: k0 + k1 a + k2 a^2 + k3 a^3, or k0 + k1 ln(k2 a + 1). */
export interface TyreCurve {
  log: boolean
  k0: number
  k1: number
  k2: number
  k3: number
}

/** The fit of a driver's tyre model as one curve. Throws if the file lacks a coefficient the model needs. */
export function tyreCurve(model: TyreModel, fit: CompoundFit): TyreCurve {
  const k = (value: number | undefined, name: string): number => {
    if (value === undefined) throw new Error(`tyre model ${model} needs ${name}`)
    return value
  }
  switch (model) {
    case 'lin':
      return { log: false, k0: fit.k0, k1: k(fit.k1Lin, 'k_1_lin'), k2: 0, k3: 0 }
    case 'quad':
      return { log: false, k0: fit.k0, k1: k(fit.k1Quad, 'k_1_quad'), k2: k(fit.k2Quad, 'k_2_quad'), k3: 0 }
    case 'cub':
      return { log: false, k0: fit.k0, k1: k(fit.k1Cub, 'k_1_cub'), k2: k(fit.k2Cub, 'k_2_cub'), k3: k(fit.k3Cub, 'k_3_cub') }
    case 'ln':
      return { log: true, k0: fit.k0, k1: k(fit.k1Ln, 'k_1_ln'), k2: k(fit.k2Ln, 'k_2_ln'), k3: 0 }
  }
}

/** Degradation loss in seconds of a tyre `age` laps old (age may be fractional after FCY laps). */
export function tyreLoss(c: TyreCurve, age: number): number {
  return degradation(c.log, c.k0, c.k1, c.k2, c.k3, age)
}

/** tyreLoss on unpacked coefficients, for the race engine's typed arrays. */
export function degradation(log: boolean, k0: number, k1: number, k2: number, k3: number, age: number): number {
  if (log) return k0 + k1 * Math.log(k2 * age + 1)
  // Terms added in the published order so figures match the reference to the last bit.
  return k0 + k1 * age + k2 * age * age + k3 * age * age * age
}
