// Monte Carlo figures of pars_mcs.ini, resolved for the participants of one race.
import mcsJson from './data/mcs.json' with { type: 'json' }
import type { DriverNoise } from '../race/setup.ts'
import type { McsParams, RaceParams } from './types.ts'

export const MCS: McsParams = mcsJson as unknown as McsParams

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1)

/**
 * Per participant (race.drivers order): lap-time sigma and start performance (by driver name, the
 * "unknown" driver as fallback, as the reference does), accident and failure probabilities of the
 * season (the season's mean where a name or team is missing), and the team's pit-stop Fisk fit.
 */
export function raceNoise(race: RaceParams, mcs: McsParams = MCS): DriverNoise[] {
  const season = mcs.seasons[String(race.season)]
  const accidents = season?.accidentByDriverName ?? {}
  const failures = season?.failureByTeam ?? {}
  const sigmaUnknown = mcs.lapSigmaByDriverName.unknown ?? 0
  const startUnknown = mcs.startPerfByDriverName.unknown ?? { mean: 0, sigma: 0 }
  const fiskFallback = Object.values(mcs.pitFiskByTeam)[0]!
  return race.drivers.map((driver) => {
    const start = mcs.startPerfByDriverName[driver.name] ?? startUnknown
    return {
      lapSigma: mcs.lapSigmaByDriverName[driver.name] ?? sigmaUnknown,
      startMean: start.mean,
      startSigma: start.sigma,
      pAccident: accidents[driver.name] ?? mean(Object.values(accidents)),
      pFailure: failures[driver.team] ?? mean(Object.values(failures)),
      pitFisk: mcs.pitFiskByTeam[driver.team] ?? fiskFallback,
    }
  })
}
