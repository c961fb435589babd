// Compares our deterministic full race with the reference's (TUMFTM/race-simulation), race by race,
// from the JSON scripts/reference-races.py writes. A report: it exits 0 whatever it finds.
// Usage: pnpm --filter ./packages/race-sim compare-reference ref-races.json [--race Shanghai_2019 ...] [--tolerance 0.001]
import { readFileSync } from 'node:fs'
import { parseCliArgsOrExit, pathFromInvocation } from '@f1/service-kit/cli-args'
import { getRace } from '../src/catalog/catalog.ts'
import type { RaceResult } from '../src/contract.ts'
import { simulateRace } from '../src/simulate.ts'

interface RefDriver {
  lap_times: (number | null)[]
  race_time: number | null
  laps_completed: number
  position: number
}
type RefRace =
  | { status: 'ok'; laps: number; drivers: Record<string, RefDriver>; fcy_phases?: unknown[][] }
  | { status: 'refused'; reason: string }
  | { status: 'invalid'; result_status: number }

const USAGE = `Usage: pnpm --filter ./packages/race-sim compare-reference <ref-races.json> [--race <Track>_<Season> ...] [--tolerance <seconds>]
  --tolerance  largest lap or race time difference still counted as equal, seconds (default 0.001:
               our times are rounded to the millisecond)`

const { values, positionals } = parseCliArgsOrExit(
  process.argv.slice(2),
  { allowPositionals: true, options: { race: { type: 'string', multiple: true }, tolerance: { type: 'string' } } },
  { program: 'compare-reference', usage: USAGE },
)
function usage(message: string): never {
  process.stderr.write(`compare-reference: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}
if (positionals.length !== 1) usage('one reference JSON file expected')
const tolerance = Number(values.tolerance ?? '0.001')
if (!Number.isFinite(tolerance) || tolerance < 0) usage(`--tolerance must be a number of seconds >= 0, got ${values.tolerance}`)

let reference: Record<string, RefRace>
try {
  reference = JSON.parse(readFileSync(pathFromInvocation(positionals[0]!), 'utf8')) as Record<string, RefRace>
  if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) throw new Error('not an object of races')
} catch (err) {
  process.stderr.write(`compare-reference: cannot read ${positionals[0]}: ${(err as Error).message}\n`)
  process.exit(2)
}

const ms = (seconds: number) => (seconds * 1000).toFixed(3)

interface Comparison {
  within: boolean
  orderSame: boolean
  line: string
}

function compare(ref: Extract<RefRace, { status: 'ok' }>, ours: RaceResult): Comparison {
  const ourDrivers = new Map(ours.classification.map((c) => [c.driver, c]))
  let maxLap = 0
  let maxLapAt = ''
  let maxRace = 0
  let firstOff: { lap: number; driver: string } | undefined
  const notes: string[] = []
  const lapsDiffer: string[] = []
  const moved: string[] = []

  for (const [code, r] of Object.entries(ref.drivers)) {
    const c = ourDrivers.get(code)
    const laps = ours.lap_times[code]
    if (c === undefined || laps === undefined) {
      notes.push(`${code} missing in ours`)
      continue
    }
    // A lapped or retired car has fewer laps in one engine or both: only the laps both ran are comparable.
    const shared = Math.min(r.lap_times.length, laps.length)
    for (let i = 0; i < shared; i++) {
      const refLap = r.lap_times[i]
      if (refLap === null || refLap === undefined) continue
      const d = Math.abs(refLap - laps[i]!)
      if (d > maxLap) [maxLap, maxLapAt] = [d, `${code} lap ${i + 1}`]
      if (d > tolerance && (firstOff === undefined || i + 1 < firstOff.lap)) firstOff = { lap: i + 1, driver: code }
    }
    if (r.laps_completed !== c.laps) lapsDiffer.push(`${code} ${r.laps_completed}->${c.laps}`)
    else if (r.race_time !== null) maxRace = Math.max(maxRace, Math.abs(r.race_time - c.race_time))
    if (r.position !== c.position) moved.push(`${code} ${r.position}->${c.position}`)
  }
  for (const code of ourDrivers.keys()) if (!(code in ref.drivers)) notes.push(`${code} missing in reference`)

  const within = maxLap <= tolerance && maxRace <= tolerance && lapsDiffer.length === 0 && notes.length === 0
  const parts = [
    within ? 'ok  ' : 'DIFF',
    `max |Δlap| ${ms(maxLap)} ms${maxLap > tolerance ? ` (${maxLapAt})` : ''}`,
    `max |Δrace| ${ms(maxRace)} ms`,
    moved.length === 0 ? 'order same' : `order differs: ${moved.join(', ')}`,
  ]
  if (firstOff) parts.push(`first lap off: ${firstOff.lap} (${firstOff.driver})`)
  if (lapsDiffer.length > 0) parts.push(`laps completed differ: ${lapsDiffer.join(', ')}`)
  const fcy = fcyDifference(ref.fcy_phases ?? [], ours)
  if (fcy !== undefined) parts.push(fcy)
  parts.push(...notes)
  if (ours.warnings.length > 0) parts.push(`ours warns: ${warningCodes(ours)}`)
  return { within, orderSame: moved.length === 0, line: parts.join('  ') }
}

const warningCodes = (result: RaceResult) => [...new Set(result.warnings.map((w) => w.code))].join(', ')
const ourRace = (track: string, season: string) => simulateRace(getRace(track.toLowerCase(), Number(season)))

// The converted FCY phases are where the pre-simulations part ways, so they explain most lap differences.
function fcyDifference(refPhases: unknown[][], ours: RaceResult): string | undefined {
  if (refPhases.length !== ours.fcy_phases.length) return `fcy phases: ${refPhases.length} in reference, ${ours.fcy_phases.length} in ours`
  let max = 0
  refPhases.forEach((p, i) => {
    const o = ours.fcy_phases[i]!
    const refEnd = p[1] === null ? null : Number(p[1])
    max = Math.max(max, Math.abs(Number(p[0]) - o.start))
    if (refEnd === null || o.end === null) max = refEnd === o.end ? max : Infinity
    else max = Math.max(max, Math.abs(refEnd - o.end))
  })
  return max > tolerance ? `fcy start/end max |Δ| ${ms(max)} ms` : undefined
}

const names = values.race ?? Object.keys(reference)
const width = Math.max(...names.map((n) => n.length)) + 2
const refused = new Map<string, string[]>()
let compared = 0
let within = 0
let orderDiffers = 0
let invalid = 0
let failed = 0
let refusedUnwarned = 0

for (const name of names) {
  const ref = reference[name]
  const match = /^(.+)_(\d{4})$/.exec(name)
  let line: string
  if (ref === undefined) {
    line = 'not in the reference JSON'
    failed++
  } else if (ref.status === 'refused') {
    // Every race the reference refuses must carry a warning of ours naming why.
    const codes = match === null ? '' : warningCodes(ourRace(match[1]!, match[2]!))
    if (codes === '') refusedUnwarned++
    line = `refused by reference: ${ref.reason}  ours warns: ${codes || 'NOTHING'}`
    // Group by message with the figures masked: one reason, many values (e.g. a slightly negative fuel mass).
    const key = ref.reason.replace(/-?\d+\.\d+(e-?\d+)?/g, '…')
    refused.set(key, [...(refused.get(key) ?? []), name])
  } else if (ref.status === 'invalid') {
    line = `invalid in reference (result_status ${ref.result_status})`
    invalid++
  } else if (match === null) {
    line = 'name is not <Track>_<Season>'
    failed++
  } else {
    try {
      // Catalog track ids are the parameter files' track names in lower case.
      const result = compare(ref, ourRace(match[1]!, match[2]!))
      compared++
      if (result.within) within++
      if (!result.orderSame) orderDiffers++
      line = result.line
    } catch (err) {
      line = `our engine failed: ${(err as Error).message}`
      failed++
    }
  }
  process.stdout.write(`${name.padEnd(width)}${line}\n`)
}

const refusedCount = [...refused.values()].reduce((n, races) => n + races.length, 0)
const summary = [
  '',
  `races: ${names.length} (${compared} compared, ${refusedCount} refused by the reference, ${invalid} invalid in the reference${failed > 0 ? `, ${failed} not compared: missing or failed in ours` : ''})`,
  `within ${ms(tolerance)} ms on every lap of every driver (and same laps completed): ${within} of ${compared}`,
  `differing: ${compared - within}`,
  `order differs: ${orderDiffers}`,
  `refused by the reference without a warning of ours: ${refusedUnwarned}`,
]
if (refused.size > 0) {
  summary.push('refused by the reference:')
  for (const [reason, races] of [...refused].sort((a, b) => b[1].length - a[1].length))
    summary.push(`  ${races.length} x ${reason}\n      ${races.join(' ')}`)
}
process.stdout.write(summary.join('\n') + '\n')
