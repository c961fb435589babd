// Sensitivity sweeps: the same race with one figure changed by a percentage, for pit loss, tyre
// degradation and the safety-car probability, so a strategist sees how much an answer hangs on a
// figure nobody knows exactly.
import type { McsParams, RaceParams } from './catalog/types.ts'
import type { SensitivityParameter, StudyVariant } from './monte-carlo/monte-carlo.ts'
import { MCS } from './catalog/mcs.ts'
import { lapsDone } from './race/finish.ts'
import { runRecordedRace, type StrategyOverride } from './race/prepare.ts'
import type { StrategyEngineer } from './race/strategy-engineer.ts'
import { roundMs } from './round.ts'

/** A request's sweeps: per figure, the changes to run, in percent. */
export type Sweeps = Partial<Record<SensitivityParameter, number[]>>

export const SWEEP_FIELDS: Record<SensitivityParameter, string> = {
  pit_loss: 'pit_loss_pct',
  tyre_degradation: 'tyre_degradation_pct',
  sc_probability: 'sc_probability_pct',
}

/**
 * Pit loss changed by pct % of the green-flag pit-lane loss (in- plus out-lap): the same seconds
 * are added under yellows, as the lane itself got longer or slower. Standing times stay.
 */
export function withPitLoss(race: RaceParams, pct: number): RaceParams {
  const t = race.track
  const extra = ((t.pitInlap + t.pitOutlap) * pct) / 100
  return { ...race, track: { ...t, pitOutlap: t.pitOutlap + extra, pitOutlapFcy: t.pitOutlapFcy + extra, pitOutlapSc: t.pitOutlapSc + extra } }
}

/** Every compound's wear (the loss over a fresh tyre, not the compound's offset) scaled by 1 + pct %. */
export function withDegradation(race: RaceParams, pct: number): RaceParams {
  const f = 1 + pct / 100
  const scale = (x: number | undefined) => (x === undefined ? undefined : x * f)
  return {
    ...race,
    drivers: race.drivers.map((d) => ({
      ...d,
      tyres: {
        ...d.tyres,
        compounds: Object.fromEntries(
          Object.entries(d.tyres.compounds).map(([name, c]) => [
            name,
            // ln: k0 + k1 ln(k2 a + 1) scales with k1 alone.
            { ...c, k1Lin: scale(c.k1Lin), k1Quad: scale(c.k1Quad), k2Quad: scale(c.k2Quad), k1Cub: scale(c.k1Cub), k2Cub: scale(c.k2Cub), k3Cub: scale(c.k3Cub), k1Ln: scale(c.k1Ln) },
          ]),
        ),
      },
    })),
  }
}

/**
 * The chance of at least one safety car scaled by 1 + pct % (capped at certainty), the number of
 * SCs given there is one kept as it was.
 */
export function withScProbability(fcy: McsParams['fcy'], pct: number): McsParams['fcy'] {
  const [none = 1, ...some] = fcy.scCountProbs
  const atLeastOne = 1 - none
  if (atLeastOne <= 0) return fcy
  const f = Math.min(1 + pct / 100, 1 / atLeastOne)
  return { ...fcy, scCountProbs: [1 - atLeastOne * f, ...some.map((p) => p * f)] }
}

/** One variant per swept value, in SWEEP_FIELDS order then as given. */
export function sweepVariants(race: RaceParams, fcy: McsParams['fcy'], override: StrategyOverride | undefined, sweeps: Sweeps): StudyVariant[] {
  const variants: StudyVariant[] = []
  const add = (kind: SensitivityParameter, pct: number, r: RaceParams, f: McsParams['fcy']) => {
    const variant: StudyVariant = { label: { kind, pct }, race: r, fcy: f }
    if (override !== undefined) variant.override = override
    variants.push(variant)
  }
  for (const pct of sweeps.pit_loss ?? []) add('pit_loss', pct, withPitLoss(race, pct), fcy)
  for (const pct of sweeps.tyre_degradation ?? []) add('tyre_degradation', pct, withDegradation(race, pct), fcy)
  for (const pct of sweeps.sc_probability ?? []) add('sc_probability', pct, race, withScProbability(fcy, pct))
  return variants
}

/** The driver's place and time in one deterministic race. */
function driverOutcome(race: RaceParams, override: StrategyOverride | undefined, engineer: StrategyEngineer | null, driver: string) {
  const { prepared, workspace: w } = runRecordedRace(race, override, { engineer })
  const s = prepared.setup
  const d = s.codes.indexOf(driver)
  const retired = w.retireLap[d]! <= s.laps
  return { position: w.pos[s.laps * s.n + d]!, race_time: retired ? null : roundMs(w.raceTime[lapsDone(s, w, d) * s.n + d]!) }
}

/** Race mode's sweeps: the driver's position and race time at each percentage, with their change from the race's. */
export function raceSweeps(race: RaceParams, override: StrategyOverride | undefined, engineer: StrategyEngineer | null, driver: string, sweeps: Sweeps) {
  const base = driverOutcome(race, override, engineer, driver)
  const out: Partial<Record<SensitivityParameter, { pct: number; position: number; race_time: number | null; delta_position: number; delta_time: number | null }[]>> = {}
  for (const v of sweepVariants(race, MCS.fcy, override, sweeps)) {
    if (v.label.kind === 'strategy' || v.label.kind === 'candidate') continue
    const o = driverOutcome(v.race, override, engineer, driver)
    const deltaTime = o.race_time === null || base.race_time === null ? null : roundMs(o.race_time - base.race_time)
    ;(out[v.label.kind] ??= []).push({ pct: v.label.pct, ...o, delta_position: o.position - base.position, delta_time: deltaTime })
  }
  return { driver, base, ...out }
}
