// The race catalog: every converted race (2014-2019), looked up by track and season.
import races2014 from './data/races-2014.json' with { type: 'json' }
import races2015 from './data/races-2015.json' with { type: 'json' }
import races2016 from './data/races-2016.json' with { type: 'json' }
import races2017 from './data/races-2017.json' with { type: 'json' }
import races2018 from './data/races-2018.json' with { type: 'json' }
import races2019 from './data/races-2019.json' with { type: 'json' }
import { RaceSimError } from '../errors.ts'
import { TRACKS, resolveTrackId, type Track } from './tracks.ts'
import type { RaceParams } from './types.ts'
import type { RaceWarning } from '@f1/contracts/simulations'
import { raceWarnings } from '../race/warnings.ts'
import { runRecordedRace } from '../race/prepare.ts'

// The JSON is written by scripts/convert-params.ts from these very types; the casts only spare tsc inferring 2 MB.
const RACES: readonly RaceParams[] = [races2014, races2015, races2016, races2017, races2018, races2019].flat() as unknown as RaceParams[]

const BY_KEY: ReadonlyMap<string, RaceParams> = new Map(RACES.map((race) => [`${race.trackId}/${race.season}`, race]))

export interface TrackSummary extends Track {
  /** Seasons with a parameter file for this track, ascending. */
  seasons: number[]
  laps: Record<string, number>
  /** Per season whose recorded race has them (see race/warnings.ts). */
  warnings: Record<string, RaceWarning[]>
}

/** A recorded race's warnings, from running it once (each race a fraction of a millisecond). */
export function recordedRaceWarnings(race: RaceParams): RaceWarning[] {
  const { prepared, workspace } = runRecordedRace(race)
  return raceWarnings(prepared, workspace)
}

/** The catalog's tracks with the seasons each can be simulated in (what GET /tracks returns). */
export function listTracks(): TrackSummary[] {
  return TRACKS.map((track) => {
    const races = RACES.filter((race) => race.trackId === track.id).sort((a, b) => a.season - b.season)
    const warnings = races.map((r) => [String(r.season), recordedRaceWarnings(r)] as const)
    return {
      ...track,
      seasons: races.map((r) => r.season),
      laps: Object.fromEntries(races.map((r) => [String(r.season), r.laps])),
      warnings: Object.fromEntries(warnings.filter(([, list]) => list.length > 0)),
    }
  })
}

/**
 * The parameters of one race. `track` may be an id or any alias (see resolveTrackId).
 * Throws UNKNOWN_TRACK or UNKNOWN_SEASON.
 */
export function getRace(track: string, season: number): RaceParams {
  const trackId = resolveTrackId(track)
  if (trackId === undefined) throw new RaceSimError('UNKNOWN_TRACK', `unknown track "${track}"`, { track })
  const race = BY_KEY.get(`${trackId}/${season}`)
  if (race === undefined) {
    const seasons = RACES.filter((r) => r.trackId === trackId).map((r) => r.season)
    throw new RaceSimError('UNKNOWN_SEASON', `no ${season} race at ${trackId} (seasons: ${seasons.join(', ')})`, { track_id: trackId, season, seasons })
  }
  return race
}
