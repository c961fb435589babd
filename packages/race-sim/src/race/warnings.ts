// What a race's data holds that the reference simulator refuses to run. The engine runs such a race
// (refusing would take recorded races away from strategists) and names each condition in the
// result and in the catalog listing, so nobody reads the figures without knowing. The conditions
// are the reference's: a car's fuel going below zero, the race-pace gap out of its range, recorded
// yellows closer than its minimum gap, a finisher on one compound.
import type { RaceWarning } from '@f1/contracts/simulations'
import type { RaceParams } from '../catalog/types.ts'
import type { PreparedRace } from './prepare.ts'
import type { Workspace } from './workspace.ts'

/** The reference's plausible range of the race-pace gap (its track's check), in seconds. */
const RACE_PACE_GAP_MIN = -20
const RACE_PACE_GAP_MAX = 10
const WET_COMPOUNDS: readonly string[] = ['I', 'W']

/** The warnings of a race (its events: the recorded yellows and retirements, or none) once it has run in `w`. */
export function raceWarnings(prepared: PreparedRace, w: Workspace): RaceWarning[] {
  const race = prepared.setup.race
  return [...fuelWarnings(race, prepared, w), ...gapWarnings(race), ...phaseWarnings(race), ...compoundWarnings(race, prepared, w)]
}

function fuelWarnings(race: RaceParams, prepared: PreparedRace, w: Workspace): RaceWarning[] {
  const dry = prepared.setup.codes.filter((_, d) => w.ranDry[d] === 1)
  if (dry.length === 0) return []
  const teams = [...new Set(race.drivers.filter((d) => dry.includes(d.code)).map((d) => d.team))]
  const figures = teams.map((name) => {
    const team = race.teams[name]!
    const needed = race.laps * team.fuelPerLapKg
    return `${name} ${team.fuelStartKg} kg for ${race.laps} laps at ${team.fuelPerLapKg} kg (${needed.toFixed(3)} kg)`
  })
  return [
    {
      code: 'FUEL_RUNS_OUT',
      message:
        `${dry.join(', ')} run out of fuel before the flag: ${figures.join('; ')}. ` +
        'The engine keeps the mass at zero for the rest of the race; the reference stops with an error.',
    },
  ]
}

function gapWarnings(race: RaceParams): RaceWarning[] {
  const gap = race.track.tGapRacePace
  if (gap >= RACE_PACE_GAP_MIN && gap < RACE_PACE_GAP_MAX) return []
  return [
    {
      code: 'RACE_PACE_GAP_OUT_OF_RANGE',
      message:
        `The race-pace gap (race pace against qualifying) is ${gap} s, outside the reference's plausible ${RACE_PACE_GAP_MIN} to ${RACE_PACE_GAP_MAX} s ` +
        '(a wet race fitted to dry qualifying, as a rule): every lap carries it; the engine runs the race as fitted.',
    },
  ]
}

function phaseWarnings(race: RaceParams): RaceWarning[] {
  const phases = race.events.fcyPhases
  const out: RaceWarning[] = []
  phases.forEach((first, i) => {
    const minimum = first.type === 'SC' ? race.monteCarlo.minDistScLaps : race.monteCarlo.minDistVscLaps
    for (const second of phases.slice(i + 1)) {
      if (second.start > first.end + minimum || first.start - minimum > second.end) continue
      out.push({
        code: 'FCY_PHASES_TOO_CLOSE',
        message:
          `The recorded ${first.type} (laps ${first.start}-${first.end}) and ${second.type} (laps ${second.start}-${second.end}) are less than ` +
          `${minimum} laps apart, the least gap the reference allows between phases; the engine runs them one after the other, one phase per car at a time.`,
      })
    }
  })
  return out
}

/** A car that retires in the run is not held to the two-compound rule; nor is one on wet or intermediate tyres. */
function compoundWarnings(race: RaceParams, prepared: PreparedRace, w: Workspace): RaceWarning[] {
  // The workspace is in the setup's driver order, the strategies in the race's: codes join them.
  const retired = new Set(prepared.setup.codes.filter((_, d) => w.retireLap[d]! <= race.laps))
  const out: RaceWarning[] = []
  race.drivers.forEach((driver, i) => {
    const compounds = new Set(prepared.strategies[i]!.map((stint) => stint.compound))
    const wet = [...compounds].some((c) => WET_COMPOUNDS.includes(c))
    if (compounds.size > 1 || wet || retired.has(driver.code)) return
    out.push({
      code: 'ONE_DRY_COMPOUND',
      message: `${driver.code} runs the whole race on ${[...compounds][0]}: a dry race requires two different compounds (the reference marks the race invalid); the engine runs the strategy as given.`,
    })
  })
  return out
}
