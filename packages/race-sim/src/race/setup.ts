// A race compiled for the lap loop: every per-driver figure in a typed array, every stint's tyre
// curve resolved, so a lap costs no lookups and no allocations.
import type { RaceParams, Stint } from '../catalog/types.ts'
import { baseLapTime, fcyLapTime, pitStandstill, scLapTime } from '../model/lap-time.ts'
import { tyreCurve } from '../model/tyres.ts'
import { compileEngineer, type EngineerSetup, type StrategyEngineer } from './strategy-engineer.ts'

/** Random-influence figures of one driver (pars_mcs.ini), resolved by the catalog. */
export interface DriverNoise {
  lapSigma: number
  startMean: number
  startSigma: number
  pAccident: number
  pFailure: number
  /** Fisk (log-logistic) parameters of the team's extra standing time: c, loc, scale. */
  pitFisk: [number, number, number]
}

export interface RaceSetup {
  race: RaceParams
  laps: number
  /** Number of drivers; drivers are indexed by car number order, as the reference does for its tie-breaks. */
  n: number
  codes: string[]
  base: number
  tLapFcy: number
  tLapSc: number
  useDrs: boolean
  drsWindow: number
  drsAllowLap: number
  drsScDelay: number
  drsHalf: number
  tCar: Float64Array
  tDriver: Float64Array
  grid: Float64Array
  /** Drivers by grid slot (ties by index): the order every run starts in. */
  gridOrder: Int32Array
  team: Int32Array
  teamOrder: Float64Array
  vMax: Float64Array
  /**
   * The advantage car `back` needs to pass car `front` (index front * n + back): the track's gap,
   * less for a higher top speed, plus the team order between team mates. The same for every lap and
   * run of the race, so the overtaking loop looks it up instead of summing it pair by pair.
   */
  overtakeRequired: Float64Array
  fuelStart: Float64Array
  fuelPerLap: Float64Array
  fuelMultSc: Float64Array
  fuelMultFcy: Float64Array
  autoFuel: Uint8Array
  degMultSc: Float64Array
  degMultFcy: Float64Array
  coldLoss: Float64Array
  /** Stints of driver d are stintFrom[d] .. stintFrom[d + 1] - 1. */
  stintFrom: Int32Array
  stints: Stint[]
  stintLap: Int32Array
  stintAge: Float64Array
  stintStandstill: Float64Array
  stintRefuelTime: Float64Array
  curveLog: Uint8Array
  k0: Float64Array
  k1: Float64Array
  k2: Float64Array
  k3: Float64Array
  noise: DriverNoise[] | null
  lapSigma: Float64Array
  startMean: Float64Array
  startSigma: Float64Array
  fiskC: Float64Array
  fiskLoc: Float64Array
  fiskScale: Float64Array
  /** The reference caps a drawn extra standing time at 3x the distribution's mean. */
  fiskCap: Float64Array
  /** The virtual strategy engineer; null when every driver keeps to his plan. */
  engineer: EngineerSetup | null
}

/** Mean of a Fisk distribution (finite for c > 1). */
function fiskMean(c: number, loc: number, scale: number): number {
  const b = Math.PI / c
  return loc + (scale * b) / Math.sin(b)
}

/**
 * Compiles a race with one validated strategy per participant (in `race.drivers` order).
 * `noise` (per participant, same order) is only needed for Monte Carlo runs.
 */
export function compileRace(
  race: RaceParams,
  strategies: readonly (readonly Stint[])[],
  noise: DriverNoise[] | null = null,
  engineer: StrategyEngineer | null = null,
): RaceSetup {
  const order = race.drivers.map((_, i) => i).sort((a, b) => race.drivers[a]!.carNo - race.drivers[b]!.carNo)
  const n = order.length
  const teamNames = Object.keys(race.teams)
  const f = () => new Float64Array(n)
  const s: RaceSetup = {
    race,
    laps: race.laps,
    n,
    codes: order.map((i) => race.drivers[i]!.code),
    base: baseLapTime(race.track),
    tLapFcy: fcyLapTime(race.track),
    tLapSc: scLapTime(race.track),
    useDrs: race.rules.drs !== null,
    drsWindow: race.rules.drs?.window ?? 0,
    drsAllowLap: race.rules.drs?.allowLap ?? 0,
    drsScDelay: race.rules.drs?.scDelayLaps ?? 0,
    drsHalf: race.track.drsEffect / 2,
    tCar: f(),
    tDriver: f(),
    grid: f(),
    gridOrder: new Int32Array(n),
    team: new Int32Array(n),
    teamOrder: f(),
    vMax: f(),
    overtakeRequired: new Float64Array(n * n),
    fuelStart: f(),
    fuelPerLap: f(),
    fuelMultSc: f(),
    fuelMultFcy: f(),
    autoFuel: new Uint8Array(n),
    degMultSc: f(),
    degMultFcy: f(),
    coldLoss: f(),
    stintFrom: new Int32Array(n + 1),
    stints: [],
    stintLap: new Int32Array(0),
    stintAge: new Float64Array(0),
    stintStandstill: new Float64Array(0),
    stintRefuelTime: new Float64Array(0),
    curveLog: new Uint8Array(0),
    k0: new Float64Array(0),
    k1: new Float64Array(0),
    k2: new Float64Array(0),
    k3: new Float64Array(0),
    noise: noise === null ? null : order.map((i) => noise[i]!),
    lapSigma: f(),
    startMean: f(),
    startSigma: f(),
    fiskC: f(),
    fiskLoc: f(),
    fiskScale: f(),
    fiskCap: f(),
    engineer: null,
  }

  const total = order.reduce((sum, i) => sum + strategies[i]!.length, 0)
  s.stintLap = new Int32Array(total)
  s.stintAge = new Float64Array(total)
  s.stintStandstill = new Float64Array(total)
  s.stintRefuelTime = new Float64Array(total)
  s.curveLog = new Uint8Array(total)
  s.k0 = new Float64Array(total)
  s.k1 = new Float64Array(total)
  s.k2 = new Float64Array(total)
  s.k3 = new Float64Array(total)

  let k = 0
  order.forEach((src, d) => {
    const driver = race.drivers[src]!
    const team = race.teams[driver.team]!
    s.tCar[d] = team.tCar
    s.tDriver[d] = driver.tDriver
    s.grid[d] = driver.grid
    s.team[d] = teamNames.indexOf(driver.team)
    s.teamOrder[d] = driver.teamOrder
    s.vMax[d] = driver.vMax
    s.fuelStart[d] = team.fuelStartKg
    s.fuelPerLap[d] = team.fuelPerLapKg
    s.fuelMultSc[d] = team.fuelMultSc
    s.fuelMultFcy[d] = team.fuelMultFcy
    s.autoFuel[d] = team.autoFuelAdjust ? 1 : 0
    s.degMultSc[d] = driver.tyres.degMultSc
    s.degMultFcy[d] = driver.tyres.degMultFcy
    s.coldLoss[d] = driver.tyres.coldTyreLoss
    s.stintFrom[d] = k
    for (const stint of strategies[src]!) {
      const curve = tyreCurve(driver.tyres.model, driver.tyres.compounds[stint.compound]!)
      s.stints.push(stint)
      s.stintLap[k] = stint.startLap
      s.stintAge[k] = stint.tyreAge
      s.stintStandstill[k] = pitStandstill(race.track, team, stint.refuelKg)
      s.stintRefuelTime[k] = team.pitRefuelPerKg === null ? 0 : stint.refuelKg * team.pitRefuelPerKg
      s.curveLog[k] = curve.log ? 1 : 0
      s.k0[k] = curve.k0
      s.k1[k] = curve.k1
      s.k2[k] = curve.k2
      s.k3[k] = curve.k3
      k++
    }
    const nz = s.noise?.[d]
    if (nz !== undefined) {
      s.lapSigma[d] = nz.lapSigma
      s.startMean[d] = nz.startMean
      s.startSigma[d] = nz.startSigma
      const [c, loc, scale] = nz.pitFisk
      s.fiskC[d] = c
      s.fiskLoc[d] = loc
      s.fiskScale[d] = scale
      s.fiskCap[d] = 3 * fiskMean(c, loc, scale)
    }
  })
  s.stintFrom[n] = k
  const { overtakeGap, overtakeGapPerKmh } = race.track
  for (let front = 0; front < n; front++) {
    for (let back = 0; back < n; back++) {
      // Summed in this order, as the overtaking rule is written, so the figure is the same to the bit.
      let required = overtakeGap + overtakeGapPerKmh * (s.vMax[back]! - s.vMax[front]!)
      if (s.team[front] === s.team[back]) required += s.teamOrder[back]!
      s.overtakeRequired[front * n + back] = required
    }
  }
  const byGrid = Array.from({ length: n }, (_, d) => d).sort((a, b) => s.grid[a]! - s.grid[b]! || a - b)
  s.gridOrder.set(byGrid)
  if (engineer !== null) s.engineer = compileEngineer(s, engineer)
  return s
}
