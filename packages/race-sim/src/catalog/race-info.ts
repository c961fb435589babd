// One catalog race as a client builds a request from it (GET /api/tracks/:trackId/races/:season):
// its drivers with the strategies they drove, and the yellows and retirements a race replays.
import type { RaceInfo } from '@f1/contracts/races'
import { toStrategyJson } from '../strategy.ts'
import { getRace, recordedRaceWarnings } from './catalog.ts'

/** Throws UNKNOWN_TRACK or UNKNOWN_SEASON as getRace does. */
export function raceInfo(track: string, season: number): RaceInfo {
  const race = getRace(track, season)
  return {
    track_id: race.trackId,
    season: race.season,
    laps: race.laps,
    compounds: [...race.availableCompounds],
    drivers: [...race.drivers]
      .sort((a, b) => a.grid - b.grid)
      .map((d) => ({
        code: d.code,
        name: d.name,
        team: d.team,
        car_no: d.carNo,
        grid: d.grid,
        compounds: Object.keys(d.tyres.compounds).sort(),
        strategy: toStrategyJson(d.strategy),
      })),
    fcy_phases: race.events.fcyPhases.map((p) => ({ type: p.type, start_lap: p.start, end_lap: p.end })),
    retirements: race.events.retirements.map((r) => ({ driver: r.driver, lap: r.progress })),
    warnings: recordedRaceWarnings(race),
  }
}
