// generate: fills the legacy table with realistic legacy data (every defect docs/legacy-data.md
// lists, at the generator's rates), for tests, benchmarks and the dev stack's demo seed. Items are
// produced lazily and written with BatchWriteItem as they come: memory stays flat whatever the
// user count.
import { generateLegacyData, type GenerateOptions, type LegacyTally } from '@f1/legacy/generator'
import type { LegacyItem, LegacyRepository } from '../repositories/legacy.ts'

export interface GenerateProgress {
  users: number
  items: number
  items_per_s: number
}

export interface GenerateRunOptions extends GenerateOptions {
  /** Called after each chunk is written. */
  onProgress?: (progress: GenerateProgress) => void
}

// Items handed to BatchWriteItem at once, as 25-item requests in parallel (the pacer caps them).
const CHUNK = 500

/** Writes the generated items and returns the generator's tally (what a migration of them must report). */
export async function runGenerate(legacy: LegacyRepository, options: GenerateRunOptions): Promise<LegacyTally> {
  const { onProgress, ...generatorOptions } = options
  const data = generateLegacyData(generatorOptions)
  const started = performance.now()
  let written = 0
  let chunk: LegacyItem[] = []
  const flush = async () => {
    const requests: Array<Promise<void>> = []
    for (let i = 0; i < chunk.length; i += 25) requests.push(legacy.putGeneratedItems(chunk.slice(i, i + 25)))
    await Promise.all(requests)
    written += chunk.length
    chunk = []
    const elapsed = (performance.now() - started) / 1000
    onProgress?.({ users: data.tally.users, items: written, items_per_s: Math.round(written / Math.max(elapsed, 0.001)) })
  }
  for (const item of data) {
    chunk.push(item)
    if (chunk.length >= CHUNK) await flush()
  }
  if (chunk.length > 0) await flush()
  return data.tally
}
