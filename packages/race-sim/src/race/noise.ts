// The random draws of one Monte Carlo run inside the race: per driver, one stream for his lap times
// (start performance and every lap's noise) and one for his pit stops' standing times. Keyed by
// (seed, run, driver), so two studies of the same seed that differ only in a strategy give every
// driver the same noise lap for lap (common random numbers): a stop, drawn from its own stream,
// never shifts the lap noise that follows it.
import { createRng, streamWord, type SeedableRng } from '../random.ts'

export interface RunNoise {
  lap: SeedableRng[]
  pit: SeedableRng[]
}

/** Streams for n drivers, allocated once and reseeded per run. */
export function createRunNoise(n: number): RunNoise {
  return {
    lap: Array.from({ length: n }, () => createRng(0)),
    pit: Array.from({ length: n }, () => createRng(0)),
  }
}

/** Sets the streams to run `run` of a study seeded `seed`. */
export function seedRunNoise(noise: RunNoise, seed: number, run: number): void {
  const word = streamWord(seed, run)
  for (let d = 0; d < noise.lap.length; d++) {
    noise.lap[d]!.reseed(word, 2 * d)
    noise.pit[d]!.reseed(word, 2 * d + 1)
  }
}
