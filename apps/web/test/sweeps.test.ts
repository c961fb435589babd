// The console's sweep choices become the request's `sensitivity`: only what the mode can sweep.
import { describe, expect, test } from 'vitest'
import { sensitivityFor, sweptValues, type SweepKey } from '../src/lib/sweeps.ts'

const chosen = (...keys: SweepKey[]) => new Set(keys)

describe('sensitivityFor', () => {
  test('Monte Carlo sweeps every figure chosen, each by its four values', () => {
    const sweep = sensitivityFor(chosen('pit_loss_pct', 'sc_probability_pct'), 'monte_carlo')
    expect(sweep).toEqual({ pit_loss_pct: [-20, -10, 10, 20], sc_probability_pct: [-50, -25, 25, 50] })
    expect(sweptValues(sweep)).toBe(8)
  })

  test('a race cannot sweep the safety-car chance, and a single car sweeps nothing', () => {
    expect(sensitivityFor(chosen('pit_loss_pct', 'sc_probability_pct'), 'race')).toEqual({ pit_loss_pct: [-20, -10, 10, 20] })
    expect(sensitivityFor(chosen('sc_probability_pct'), 'race')).toBeUndefined()
    expect(sensitivityFor(chosen('tyre_degradation_pct'), 'single')).toBeUndefined()
    expect(sweptValues(undefined)).toBe(0)
  })
})
