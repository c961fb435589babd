// What a study's variants show for their driver: a paired comparison (strategy B against the
// study's A, run by run on common random numbers: the same yellows, retirements and per-driver
// noise, so the run-by-run difference is the strategies' own, without the races' spread) and
// sensitivity sweeps (the same driver's outcomes with one figure changed).
import { roundMs } from '../round.ts'
import { toStrategyJson } from '../strategy.ts'
import type { DriverOutcomes, MonteCarloJob, RunOutcomes, SensitivityParameter } from './monte-carlo.ts'
import { quantile } from './stats.ts'

/** The 2019 points: 25 to 1 for the first ten, one more for the fastest lap when in the ten. */
const POINTS = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1]

export function points(position: number, retired: boolean, fastestLap: boolean): number {
  if (retired || position > POINTS.length) return 0
  return POINTS[position - 1]! + (fastestLap ? 1 : 0)
}

/** z of the normal distribution's 97.5 % quantile: a two-sided 95 % interval. */
const Z95 = 1.959963984540054

/** One run of the driver: position, race time (NaN retired), fastest lap. */
interface Outcome {
  position: number
  time: number
  fastest: boolean
}

/** The driver's outcomes in the study's race and in variant v, run by run. */
function* runs(chunks: readonly RunOutcomes[], v: number, count: number): Generator<[Outcome, Outcome]> {
  const at = (o: DriverOutcomes, i: number): Outcome => ({ position: o.position[i]!, time: o.raceTime[i]!, fastest: o.fastestLap[i] === 1 })
  for (const chunk of chunks) {
    const { base, variant } = chunk.variants!
    for (let r = 0; r < base.position.length; r++) yield [at(base, r), at(variant, r * count + v)]
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000

/** Shares and means of one side's outcomes. */
function stats(outcomes: readonly Outcome[]) {
  const runs = outcomes.length
  let win = 0
  let podium = 0
  let total = 0
  let dnf = 0
  let positions = 0
  const times: number[] = []
  for (const o of outcomes) {
    const retired = o.time !== o.time
    if (retired) dnf++
    else times.push(o.time)
    if (!retired && o.position === 1) win++
    if (!retired && o.position <= 3) podium++
    total += points(o.position, retired, o.fastest)
    positions += o.position
  }
  const sorted = Float64Array.from(times).sort()
  return {
    win: win / runs,
    podium: podium / runs,
    points: round3(total / runs),
    dnf: dnf / runs,
    mean_position: Math.round((positions / runs) * 100) / 100,
    race_time_p50: sorted.length === 0 ? null : roundMs(quantile(sorted, 0.5)),
  }
}

type Stats = ReturnType<typeof stats>

/** Shares are k / runs with runs <= 100,000: six decimals keep them exact without float residue. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6

function deltas(a: Stats, b: Stats) {
  return { win: round6(b.win - a.win), podium: round6(b.podium - a.podium), points: round3(b.points - a.points), mean_position: Math.round((b.mean_position - a.mean_position) * 100) / 100 }
}

/** Strategy B (the study's first variant) against the study's own strategy A. */
export function pairedComparison(job: MonteCarloJob, chunks: readonly RunOutcomes[]) {
  const variants = job.variants!
  const pairs = [...runs(chunks, 0, variants.list.length)]
  const a = stats(pairs.map(([x]) => x))
  const b = stats(pairs.map(([, y]) => y))
  const gains = new Map<number, number>()
  const times: number[] = []
  for (const [x, y] of pairs) {
    const gain = x.position - y.position
    gains.set(gain, (gains.get(gain) ?? 0) + 1)
    if (x.time === x.time && y.time === y.time) times.push(y.time - x.time)
  }
  const positionGain = [...gains.keys()].sort((p, q) => p - q).map((gain) => ({ gain, share: gains.get(gain)! / pairs.length }))
  return {
    driver: variants.driver,
    strategy_b: toStrategyJson(variants.list[0]!.override!.stints),
    a,
    b,
    delta: deltas(a, b),
    race_time_delta: timeDelta(times),
    position_gain: positionGain,
  }
}

/** Per swept figure, the driver's outcomes at each percentage, with their change from the study's. */
export function sensitivitySweeps(job: MonteCarloJob, chunks: readonly RunOutcomes[]) {
  const variants = job.variants!
  const count = variants.list.length
  const base = stats([...runs(chunks, 0, count)].map(([x]) => x))
  const sweeps: Partial<Record<SensitivityParameter, { pct: number; outcome: Stats; delta: ReturnType<typeof deltas> }[]>> = {}
  variants.list.forEach((variant, v) => {
    if (variant.label.kind === 'strategy' || variant.label.kind === 'candidate') return
    const outcome = stats([...runs(chunks, v, count)].map(([, y]) => y))
    ;(sweeps[variant.label.kind] ??= []).push({ pct: variant.label.pct, outcome, delta: deltas(base, outcome) })
  })
  return { driver: variants.driver, base, ...sweeps }
}

/** Each variant's outcome for the driver, in the variants' order (the optimizer's candidates). */
export function candidateOutcomes(job: MonteCarloJob, chunks: readonly RunOutcomes[]): Stats[] {
  const count = job.variants!.list.length
  return job.variants!.list.map((_, v) => stats([...runs(chunks, v, count)].map(([, y]) => y)))
}

/** B's race time less A's over the runs both finished: mean with its 95 % interval, quantiles, B's share ahead. */
function timeDelta(deltas: number[]) {
  const m = deltas.length
  if (m === 0) return null
  const sorted = Float64Array.from(deltas).sort()
  let sum = 0
  for (const x of deltas) sum += x
  const mean = sum / m
  let squares = 0
  for (const x of deltas) squares += (x - mean) * (x - mean)
  const halfWidth = m > 1 ? Z95 * Math.sqrt(squares / (m - 1) / m) : 0
  let faster = 0
  for (const x of deltas) if (x < 0) faster++
  return {
    runs: m,
    mean: roundMs(mean),
    ci95: [roundMs(mean - halfWidth), roundMs(mean + halfWidth)] as [number, number],
    p10: roundMs(quantile(sorted, 0.1)),
    p50: roundMs(quantile(sorted, 0.5)),
    p90: roundMs(quantile(sorted, 0.9)),
    b_faster: faster / m,
  }
}
