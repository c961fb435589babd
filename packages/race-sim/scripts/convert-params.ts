// Converts the TUM parameter files (pars_<Track>_<season>.ini, pars_mcs.ini) into the package's
// committed catalog: src/catalog/data/races-<season>.json and mcs.json.
// Usage: pnpm --filter ./packages/race-sim convert-params <params-dir>
//   <params-dir> holds the TUM files; it is not part of this repository, so it has no default.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCliArgsOrExit, pathFromInvocation } from '@f1/service-kit/cli-args'
import { TRACKS } from '../src/catalog/tracks.ts'
import type { CompoundFit, DriverParams, McsParams, RaceParams, Stint, TeamParams, TyreModel } from '../src/catalog/types.ts'

// Parsed INI values are untyped JSON; each field is checked as it is read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field below
type Json = any

const USAGE = `Usage: pnpm --filter ./packages/race-sim convert-params <params-dir>
  <params-dir>  the folder of pars_<Track>_<season>.ini and pars_mcs.ini files (TUM racesim parameters)`

const here = fileURLToPath(new URL('.', import.meta.url))
const { positionals } = parseCliArgsOrExit(process.argv.slice(2), { allowPositionals: true }, { program: 'convert-params', usage: USAGE })
if (positionals.length !== 1) {
  process.stderr.write(
    `convert-params: ${positionals.length === 0 ? 'the parameter folder is required' : `one folder expected, got ${positionals.join(' ')}`}\n\n${USAGE}\n`,
  )
  process.exit(2)
}
const sourceDir = pathFromInvocation(positionals[0]!)
const outDir = join(here, '../src/catalog/data')

/** configparser's subset the files use: `[SECTION]`, `key = <JSON>` continued on indented lines, `#` comments. */
function parseIni(text: string): Record<string, Record<string, Json>> {
  const sections: Record<string, Record<string, string>> = {}
  let section: Record<string, string> | undefined
  let key: string | undefined
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line) || line.trim() === '') continue
    const header = /^\[(.+)\]\s*$/.exec(line)
    if (header) {
      section = sections[header[1]!] = {}
      key = undefined
      continue
    }
    if (!section) throw new Error(`value outside a section: ${line}`)
    const assignment = /^(\w+)\s*=\s*(.*)$/.exec(line)
    if (assignment && !/^\s/.test(line)) {
      key = assignment[1]!
      section[key] = assignment[2]!
    } else if (key) {
      section[key] += '\n' + line
    }
  }
  const parsed: Record<string, Record<string, Json>> = {}
  for (const [name, values] of Object.entries(sections)) {
    parsed[name] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, JSON.parse(v)]))
  }
  return parsed
}

function num(value: Json, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} is not a number: ${value}`)
  return value
}

function stints(rows: Json, what: string): Stint[] {
  if (!Array.isArray(rows)) throw new Error(`${what} is not a list`)
  return rows.map((row: Json, i: number) => {
    if (!Array.isArray(row) || row.length !== 4 || typeof row[1] !== 'string')
      throw new Error(`${what}[${i}] is not [lap, compound, age, refuel]`)
    return { startLap: num(row[0], what), compound: row[1], tyreAge: num(row[2], what), refuelKg: num(row[3], what) }
  })
}

const FIT_KEYS: Record<string, keyof CompoundFit> = {
  k_0: 'k0',
  k_1_lin: 'k1Lin',
  k_1_quad: 'k1Quad',
  k_2_quad: 'k2Quad',
  k_1_cub: 'k1Cub',
  k_2_cub: 'k2Cub',
  k_3_cub: 'k3Cub',
  k_1_ln: 'k1Ln',
  k_2_ln: 'k2Ln',
}

function compoundFit(raw: Json, what: string): CompoundFit {
  const fit: Partial<CompoundFit> = {}
  for (const [key, value] of Object.entries(raw)) {
    const name = FIT_KEYS[key]
    if (!name) throw new Error(`${what}: unknown tyre parameter ${key}`)
    fit[name] = num(value, `${what}.${key}`)
  }
  if (fit.k0 === undefined) throw new Error(`${what}: k_0 missing`)
  return fit as CompoundFit
}

function convertRace(file: string, ini: Record<string, Record<string, Json>>): RaceParams {
  const race = ini.RACE_PARS?.race_pars
  const track = ini.TRACK_PARS?.track_pars
  const cars = ini.CAR_PARS?.car_pars
  const tyres = ini.TIRESET_PARS?.tireset_pars
  const drivers = ini.DRIVER_PARS?.driver_pars
  const mc = ini.MONTE_CARLO_PARS?.monte_carlo_pars
  const events = ini.EVENT_PARS?.event_pars
  const vse = ini.VSE_PARS?.vse_pars
  if (!race || !track || !cars || !tyres || !drivers || !mc || !events || !vse) throw new Error(`${file}: a section is missing`)

  const trackId = String(track.name).toLowerCase()
  if (!TRACKS.some((t) => t.id === trackId)) throw new Error(`${file}: track ${track.name} has no entry in src/catalog/tracks.ts`)

  const teams: Record<string, TeamParams> = {}
  for (const [name, car] of Object.entries<Json>(cars)) {
    // Every car of 2014-2019 is a hybrid, which the reference treats as combustion; electric cars are out of scope.
    if (car.drivetype !== 'combustion') throw new Error(`${file}: ${name} is ${car.drivetype}, only combustion cars are supported`)
    teams[name] = {
      name,
      tCar: num(car.t_car, `${name}.t_car`),
      fuelStartKg: num(car.m_fuel, `${name}.m_fuel`),
      fuelPerLapKg: num(car.b_fuel_perlap, `${name}.b_fuel_perlap`),
      fuelMultSc: num(car.mult_consumption_sc, 'mult_consumption_sc'),
      fuelMultFcy: num(car.mult_consumption_fcy, 'mult_consumption_fcy'),
      autoFuelAdjust: car.auto_consumption_adjust === true,
      pitTyreChangeExtra: num(car.t_pit_tirechange_add, 't_pit_tirechange_add'),
      pitRefuelPerKg: car.t_pit_refuel_perkg === null ? null : num(car.t_pit_refuel_perkg, 't_pit_refuel_perkg'),
    }
  }

  const baseStrategies: Json = vse.base_strategy ?? {}
  const participants: DriverParams[] = (race.participants as string[]).map((code) => {
    const d = drivers[code]
    const ty = tyres[code]
    if (!d || !ty) throw new Error(`${file}: participant ${code} has no driver or tyre parameters`)
    if (!teams[d.team]) throw new Error(`${file}: ${code}'s team ${d.team} has no car parameters`)
    const compounds: Record<string, CompoundFit> = {}
    for (const [key, value] of Object.entries<Json>(ty)) {
      if (value !== null && typeof value === 'object') compounds[key] = compoundFit(value, `${file} ${code} ${key}`)
    }
    const model = ty.tire_deg_model as TyreModel
    if (!['lin', 'quad', 'cub', 'ln'].includes(model)) throw new Error(`${file}: ${code} has tyre model ${model}`)
    return {
      code,
      name: String(d.name),
      carNo: num(d.carno, 'carno'),
      team: String(d.team),
      tDriver: num(d.t_driver, 't_driver'),
      grid: num(d.p_grid, 'p_grid'),
      teamOrder: num(d.t_teamorder, 't_teamorder'),
      vMax: num(d.vel_max, 'vel_max'),
      strategy: stints(d.strategy_info, `${code}.strategy_info`),
      baseStrategy: baseStrategies[code] ? stints(baseStrategies[code], `${code}.base_strategy`) : null,
      tyres: {
        model,
        degMultSc: num(ty.mult_tiredeg_sc, 'mult_tiredeg_sc'),
        degMultFcy: num(ty.mult_tiredeg_fcy, 'mult_tiredeg_fcy'),
        coldTyreLoss: num(ty.t_add_coldtires, 't_add_coldtires'),
        compounds,
      },
    }
  })

  // Both the FCY phases and the retirements are recorded as race progress in every file.
  if (events.fcy_data.domain !== 'progress' || events.retire_data.domain !== 'progress')
    throw new Error(`${file}: events not in the progress domain`)

  return {
    trackId,
    season: num(race.season, 'season'),
    laps: num(race.tot_no_laps, 'tot_no_laps'),
    track: {
      tQuali: num(track.t_q, 't_q'),
      tGapRacePace: num(track.t_gap_racepace, 't_gap_racepace'),
      massSensitivity: num(track.t_lap_sens_mass, 't_lap_sens_mass'),
      pitTyreChangeMin: num(track.t_pit_tirechange_min, 't_pit_tirechange_min'),
      pitInlap: num(track.t_pitdrive_inlap, 't_pitdrive_inlap'),
      pitOutlap: num(track.t_pitdrive_outlap, 't_pitdrive_outlap'),
      pitInlapFcy: num(track.t_pitdrive_inlap_fcy, 't_pitdrive_inlap_fcy'),
      pitOutlapFcy: num(track.t_pitdrive_outlap_fcy, 't_pitdrive_outlap_fcy'),
      pitInlapSc: num(track.t_pitdrive_inlap_sc, 't_pitdrive_inlap_sc'),
      pitOutlapSc: num(track.t_pitdrive_outlap_sc, 't_pitdrive_outlap_sc'),
      pitsAfterFinishLine: track.pits_aft_finishline === true,
      gridLossPerPosition: num(track.t_loss_pergridpos, 't_loss_pergridpos'),
      firstLapLoss: num(track.t_loss_firstlap, 't_loss_firstlap'),
      overtakeGap: num(track.t_gap_overtake, 't_gap_overtake'),
      // The reference's import_pars.py substitutes these two where a file leaves them null.
      overtakeGapPerKmh: track.t_gap_overtake_vel === null ? 0 : num(track.t_gap_overtake_vel, 't_gap_overtake_vel'),
      drsEffect: track.t_drseffect === null ? -0.1 : num(track.t_drseffect, 't_drseffect'),
      scLapFactor: num(track.mult_t_lap_sc, 'mult_t_lap_sc'),
      fcyLapFactor: num(track.mult_t_lap_fcy, 'mult_t_lap_fcy'),
    },
    rules: {
      minGap: num(race.min_t_dist, 'min_t_dist'),
      minGapSc: num(race.min_t_dist_sc, 'min_t_dist_sc'),
      duelLoss: num(race.t_duel, 't_duel'),
      overtakenLoss: num(race.t_overtake_loser, 't_overtake_loser'),
      drs:
        race.use_drs === true && race.drs_window !== null
          ? {
              window: num(race.drs_window, 'drs_window'),
              allowLap: num(race.drs_allow_lap, 'drs_allow_lap'),
              scDelayLaps: num(race.drs_sc_delay, 'drs_sc_delay'),
            }
          : null,
    },
    teams,
    drivers: participants,
    events: {
      fcyPhases: ((events.fcy_data.phases ?? []) as Json[])
        .map((p: Json) => ({
          start: num(p[0], 'fcy start'),
          end: num(p[1], 'fcy end'),
          type: p[2] === 'SC' ? ('SC' as const) : ('VSC' as const),
        }))
        .sort((a, b) => a.start - b.start),
      retirements: ((events.retire_data.retirements ?? []) as Json[])
        .map((r: Json) => ({ driver: String(r[0]), progress: num(r[1], 'retirement') }))
        .sort((a, b) => a.progress - b.progress),
    },
    availableCompounds: vse.available_compounds ?? [],
    dryCompounds: vse.param_dry_compounds ?? [],
    monteCarlo: {
      refDriver: String(mc.ref_driver),
      minDistScLaps: num(mc.min_dist_sc, 'min_dist_sc'),
      minDistVscLaps: num(mc.min_dist_vsc, 'min_dist_vsc'),
    },
  }
}

function convertMcs(ini: Record<string, Record<string, Json>>): McsParams {
  const all = ini.ALL_SEASONS
  if (!all) throw new Error('pars_mcs.ini: ALL_SEASONS missing')
  const seasons: McsParams['seasons'] = {}
  for (const [name, section] of Object.entries(ini)) {
    const season = /^SEASON_(\d{4})$/.exec(name)?.[1]
    if (season) seasons[season] = { accidentByDriverName: section.p_accident, failureByTeam: section.p_failure }
  }
  const fcy = all.p_fcy_phases
  return {
    seasons,
    fcy: {
      scCountProbs: fcy.p_sc_quant,
      scStartProbs: fcy.p_sc_start,
      scDurationProbs: fcy.p_sc_duration,
      vscAfterFailureProb: num(fcy.p_vsc_aft_failure, 'p_vsc_aft_failure'),
      vscDurationProbs: fcy.p_vsc_duration,
    },
    pitFiskByTeam: all.t_pit_var_fisk_pars,
    lapSigmaByDriverName: all.t_lap_var_sigma,
    startPerfByDriverName: all.t_startperf,
  }
}

/** One race per line keeps diffs of the committed data readable. */
function writeRaces(path: string, races: RaceParams[]): void {
  writeFileSync(path, '[\n' + races.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n')
}

const bySeason = new Map<number, RaceParams[]>()
let files: string[]
try {
  files = readdirSync(sourceDir)
    .filter((f) => /^pars_.+_\d{4}\.ini$/.test(f))
    .sort()
} catch (err) {
  process.stderr.write(`convert-params: cannot read ${sourceDir}: ${(err as Error).message}\n`)
  process.exit(1)
}
// Before anything is written: a wrong folder must leave the committed catalog as it is.
if (files.length === 0 || !readdirSync(sourceDir).includes('pars_mcs.ini')) {
  process.stderr.write(`convert-params: no pars_<Track>_<season>.ini files and pars_mcs.ini in ${sourceDir}\n`)
  process.exit(1)
}
for (const file of files) {
  const race = convertRace(file, parseIni(readFileSync(join(sourceDir, file), 'utf8')))
  const list = bySeason.get(race.season) ?? []
  list.push(race)
  bySeason.set(race.season, list)
}
for (const [season, races] of bySeason) {
  races.sort((a, b) => a.trackId.localeCompare(b.trackId))
  writeRaces(join(outDir, `races-${season}.json`), races)
}
writeFileSync(join(outDir, 'mcs.json'), JSON.stringify(convertMcs(parseIni(readFileSync(join(sourceDir, 'pars_mcs.ini'), 'utf8')))) + '\n')
console.log(`converted ${files.length} races (${[...bySeason.keys()].sort().join(', ')}) and pars_mcs.ini into ${outDir}`)
