// How the virtual strategy engineer changes a season's win probabilities: every catalog race of the
// season as a Monte Carlo study with it and without it (the same seed, so the same random races),
// per race the favourite, the biggest winner and loser of win share, and the stops it brought
// forward. A report: it exits 0 whatever it finds.
// Usage: pnpm --filter ./packages/race-sim strategy-engineer-report [--season 2019] [--runs 1000] [--seed 1]
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { getRace, listTracks } from '../src/catalog/catalog.ts'
import type { MonteCarloResult } from '../src/contract.ts'
import { createMonteCarloPool } from '../src/monte-carlo/workers.ts'

const USAGE = `Usage: pnpm --filter ./packages/race-sim strategy-engineer-report [--season <year>] [--runs <n>] [--seed <n>]
  --season  the catalog season to report (default 2019)
  --runs    Monte Carlo runs per race and setting (default 1000)
  --seed    the studies' seed (default 1)`

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  { options: { season: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' } } },
  { program: 'strategy-engineer-report', usage: USAGE },
)
const whole = (text: string | undefined, fallback: number, name: string, min: number): number => {
  const value = text === undefined ? fallback : Number(text)
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`strategy-engineer-report: --${name} must be a whole number >= ${min}, got ${text}\n\n${USAGE}\n`)
    process.exit(2)
  }
  return value
}
const season = whole(values.season, 2019, 'season', 1950)
const runs = whole(values.runs, 1000, 'runs', 1)
const seed = whole(values.seed, 1, 'seed', 0)

const tracks = listTracks().filter((t) => t.seasons.includes(season))
if (tracks.length === 0) {
  process.stderr.write(`strategy-engineer-report: the catalog has no ${season} race\n`)
  process.exit(2)
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`
const signed = (share: number) => `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}`
const winOf = (r: MonteCarloResult) => new Map(r.drivers.map((d) => [d.driver, d.win]))

console.log(`Strategy engineer on against off, ${season}: ${runs} runs per race and setting, seed ${seed}`)
console.log('race | favourite: win off -> on | biggest gain | biggest loss | stops brought forward per run (yellow, cover) | total |win change|')
console.log('---|---|---|---|---|---')
let totalMoved = 0
const pool = createMonteCarloPool()
for (const track of tracks) {
  const race = getRace(track.id, season)
  const off = await pool.run(race, { runs, seed, engineer: null })
  const on = await pool.run(race, { runs, seed })
  const winOff = winOf(off)
  const winOn = winOf(on)
  const favourite = off.drivers[0]!.driver
  const changes = [...winOn].map(([driver, win]) => ({ driver, delta: win - (winOff.get(driver) ?? 0) })).sort((a, b) => b.delta - a.delta)
  const gain = changes[0]!
  const loss = changes[changes.length - 1]!
  const moved = changes.reduce((sum, c) => sum + Math.abs(c.delta), 0)
  totalMoved += moved
  const yellow = on.drivers.reduce((sum, d) => sum + d.reactive_stops!.yellow, 0)
  const cover = on.drivers.reduce((sum, d) => sum + d.reactive_stops!.cover, 0)
  console.log(
    `${track.id} | ${favourite}: ${pct(winOff.get(favourite)!)} -> ${pct(winOn.get(favourite)!)} | ${gain.driver} ${signed(gain.delta)} | ${loss.driver} ${signed(loss.delta)} | ${yellow.toFixed(2)}, ${cover.toFixed(2)} | ${pct(moved)}`,
  )
}
await pool.close()
console.log(`\nWins that change hands over the season: ${(totalMoved / 2).toFixed(2)} of ${tracks.length} (half the summed |win change|: each share won is one lost)`)
