// The package's own format of the TUM parameter files (written by scripts/convert-params.ts).
// Field comments name the parameter file's key, so figures can be traced back to the source.

/** One row of a strategy: a stint starting after `startLap` laps (0 = race start). */
export interface Stint {
  /** In-lap of the stop that starts this stint (`0` for the start). */
  startLap: number
  compound: string
  /** Tyre age in laps when the stint starts. */
  tyreAge: number
  /** Fuel added at the stop, kg (0 since refuelling is banned). */
  refuelKg: number
}

export type TyreModel = 'lin' | 'quad' | 'cub' | 'ln'

/** Degradation fit of one compound: t = k0 + f(age), see model/tyres.ts. */
export interface CompoundFit {
  k0: number
  k1Lin?: number
  k1Quad?: number
  k2Quad?: number
  k1Cub?: number
  k2Cub?: number
  k3Cub?: number
  k1Ln?: number
  k2Ln?: number
}

export interface TyreParams {
  model: TyreModel // tire_deg_model
  degMultSc: number // mult_tiredeg_sc
  degMultFcy: number // mult_tiredeg_fcy
  coldTyreLoss: number // t_add_coldtires
  compounds: Record<string, CompoundFit>
}

export interface TeamParams {
  name: string
  tCar: number // t_car
  fuelStartKg: number // m_fuel
  fuelPerLapKg: number // b_fuel_perlap
  fuelMultSc: number // mult_consumption_sc
  fuelMultFcy: number // mult_consumption_fcy
  autoFuelAdjust: boolean // auto_consumption_adjust
  pitTyreChangeExtra: number // t_pit_tirechange_add
  pitRefuelPerKg: number | null // t_pit_refuel_perkg
}

export interface DriverParams {
  code: string // initials
  name: string
  carNo: number
  team: string
  tDriver: number // t_driver
  grid: number // p_grid
  teamOrder: number // t_teamorder
  vMax: number // vel_max, km/h
  /** The strategy driven in reality (strategy_info). */
  strategy: Stint[]
  /** The reference simulator's fastest free-track strategy (vse_pars.base_strategy), when given. */
  baseStrategy: Stint[] | null
  tyres: TyreParams
}

export interface TrackParams {
  tQuali: number // t_q
  tGapRacePace: number // t_gap_racepace
  massSensitivity: number // t_lap_sens_mass, s/kg
  pitTyreChangeMin: number // t_pit_tirechange_min
  pitInlap: number // t_pitdrive_inlap
  pitOutlap: number // t_pitdrive_outlap
  pitInlapFcy: number // t_pitdrive_inlap_fcy
  pitOutlapFcy: number // t_pitdrive_outlap_fcy
  pitInlapSc: number // t_pitdrive_inlap_sc
  pitOutlapSc: number // t_pitdrive_outlap_sc
  pitsAfterFinishLine: boolean // pits_aft_finishline
  gridLossPerPosition: number // t_loss_pergridpos
  firstLapLoss: number // t_loss_firstlap
  overtakeGap: number // t_gap_overtake
  overtakeGapPerKmh: number // t_gap_overtake_vel (the converter applies the reference's 0.0 where null)
  drsEffect: number // t_drseffect (the converter applies the reference's -0.1 where null)
  scLapFactor: number // mult_t_lap_sc
  fcyLapFactor: number // mult_t_lap_fcy
}

export interface RaceRules {
  minGap: number // min_t_dist
  minGapSc: number // min_t_dist_sc
  duelLoss: number // t_duel
  overtakenLoss: number // t_overtake_loser
  /** null when the series runs without DRS. */
  drs: { window: number; allowLap: number; scDelayLaps: number } | null
}

export type FcyType = 'SC' | 'VSC'

/** A full-course-yellow phase in race progress (laps of the leader, 1.5 = halfway through lap 2). */
export interface FcyPhaseProgress {
  start: number
  end: number
  type: FcyType
}

export interface RaceEvents {
  fcyPhases: FcyPhaseProgress[]
  retirements: { driver: string; progress: number }[]
}

/** One race of the catalog: everything the engine needs, Monte Carlo figures resolved. */
export interface RaceParams {
  trackId: string
  season: number
  laps: number // tot_no_laps
  track: TrackParams
  rules: RaceRules
  teams: Record<string, TeamParams>
  /** The participants, in the parameter file's order. */
  drivers: DriverParams[]
  /** What happened in the real race (used in deterministic mode). */
  events: RaceEvents
  availableCompounds: string[]
  /** Dry compounds with fitted parameters (param_dry_compounds). */
  dryCompounds: string[]
  monteCarlo: {
    refDriver: string // ref_driver: whose free-track times convert race progress to race time
    minDistScLaps: number // min_dist_sc
    minDistVscLaps: number // min_dist_vsc
  }
}

/** pars_mcs.ini, converted. */
export interface McsSeason {
  accidentByDriverName: Record<string, number> // p_accident
  failureByTeam: Record<string, number> // p_failure
}

export interface McsParams {
  seasons: Record<string, McsSeason>
  fcy: {
    scCountProbs: number[] // p_sc_quant: P(0, 1, 2, 3 SC phases)
    scStartProbs: number[] // p_sc_start: [first lap, then 5 race-fifths]
    scDurationProbs: number[] // p_sc_duration: P(1..10 laps)
    vscAfterFailureProb: number // p_vsc_aft_failure
    vscDurationProbs: number[] // p_vsc_duration: P(1..4 laps)
  }
  pitFiskByTeam: Record<string, [number, number, number]> // t_pit_var_fisk_pars: c, loc, scale
  lapSigmaByDriverName: Record<string, number> // t_lap_var_sigma ("unknown" as fallback)
  startPerfByDriverName: Record<string, { mean: number; sigma: number }> // t_startperf ("unknown" as fallback)
}
