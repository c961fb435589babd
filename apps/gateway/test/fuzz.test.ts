// Property-based fuzzing of every route in the gateway's OpenAPI document, over real HTTP, with the
// real services behind it. For each route: no request is answered with a 5xx, every 4xx has the
// error shape {"error":{"code","message"}}, and a request that breaks the route's schemas or auth
// is refused. Routes added later are fuzzed from their schemas without edits here.
// FUZZ_SEED reproduces a run, FUZZ_RUNS_FACTOR scales it, FUZZ_ROUTE (e.g. "POST /api/simulations") narrows it.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import fc from 'fast-check'
import { createSigner } from 'fast-jwt'
import { buildApp as buildMigrator } from '@f1/migrator/app'
import { loadMigratorConfig } from '@f1/migrator/config'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { tableNamesToEnv } from '@f1/tables'
import { useTestTables } from '@f1/tables/testing'
import type { JsonSchema } from './fuzz/arbitraries.ts'
import {
  headRequests,
  operationsOf,
  otherMethodRequests,
  requestsFor,
  send,
  verdict,
  type FuzzRequest,
  type OpenApiDocument,
  type Operation,
} from './fuzz/requests.ts'
import { build, JWT_SECRET, register, registerAdmin } from './helper.ts'

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
const factor = Number(process.env.FUZZ_RUNS_FACTOR ?? 1)
const only = process.env.FUZZ_ROUTE

// Expensive sizes stay small where the schema allows it: Monte Carlo races, backfill parallelism and rate.
const CAPS: Record<string, number> = { runs: 20, segments: 2, rate: 50 }
function narrow(schema: JsonSchema, key: string | undefined): JsonSchema {
  const cap = key === undefined ? undefined : CAPS[key]
  if (cap === undefined || (schema.type !== 'integer' && schema.type !== 'number')) return schema
  return { ...schema, maximum: Math.max(schema.minimum ?? -Infinity, Math.min(schema.maximum ?? Infinity, cap)) }
}

/** Authorization values that must never authenticate: another key, another issuer, expired, unsigned, malformed. */
function forgedAuthorizations(userId: string): string[] {
  const claims = { sub: userId, email: 'forged@example.com', role: 'admin' }
  const sign = (options: Record<string, unknown>) =>
    `Bearer ${createSigner({ iss: 'f1-race-sim', aud: 'f1-race-sim-api', ...options })(claims)}`
  return [
    sign({ key: 'another-secret-another-secret-123456', expiresIn: 60_000 }),
    sign({ key: JWT_SECRET, iss: 'someone-else', expiresIn: 60_000 }),
    sign({ key: JWT_SECRET, aud: 'another-api', expiresIn: 60_000 }),
    sign({ algorithm: 'none', expiresIn: 60_000 }),
    sign({ key: JWT_SECRET }), // no exp
    `Bearer ${createSigner({ key: JWT_SECRET, iss: 'f1-race-sim', aud: 'f1-race-sim-api' })({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })}`,
    'Bearer',
    'Bearer a.b.c',
    'Basic dXNlcjpwYXNzd29yZA==',
    `bearer${' '.repeat(3)}`,
  ]
}

// A fuzzing dictionary: words valid values are often drawn from, besides random ones. Seeded with
// driver codes and compounds (the engine's vocabulary), real tracks and seasons (GET /api/tracks),
// and fed every id the app hands out while it is fuzzed, so that routes taking one find something.
const dictionary = new Map<string, Set<unknown>>()
const word = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '')
function learn(key: string, value: unknown) {
  const words = dictionary.get(word(key)) ?? new Set()
  if (words.size < 200) words.add(value)
  dictionary.set(word(key), words)
}
/** Identifiers and the engine's words in an answer, by the key they came under. */
function harvest(value: unknown, key = ''): void {
  if (Array.isArray(value)) for (const item of value) harvest(item, key)
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) harvest(v, k)
  else if ((typeof value === 'string' || typeof value === 'number') && /(^|_)id$|^(driver|season|mode)$/i.test(key)) learn(key, value)
}
function examples(key: string): unknown[] {
  const exact = [...(dictionary.get(word(key)) ?? [])]
  // A path's `{id}` may be any id the app handed out.
  if (word(key) !== 'id') return exact
  return [...dictionary].filter(([k]) => k.endsWith('id')).flatMap(([, words]) => [...words])
}
for (const driver of ['HAM', 'BOT', 'VET', 'RAI', 'VER', 'RIC', 'LEC', 'PER', 'SAI', 'ALO']) learn('driver', driver)
for (const compound of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'I', 'W']) learn('compound', compound)

// Findings in code this suite does not own, reported and awaiting their fix: counted and shown as
// TODO instead of ending the route's fuzzing, so the rest of the route is still fuzzed. A 5xx is
// never one of them. (None open: the router's and the HTTP parser's refusals now carry the error shape.)
const KNOWN: Array<{ match: RegExp; todo: string }> = []

/**
 * A route's own seed, from the run's seed and its name: the same with or without FUZZ_ROUTE (only
 * the ids learnt from earlier routes' answers differ, and a counterexample spells its request out).
 */
function seedOf(name: string): number {
  let hash = seed
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0
  return Math.abs(hash)
}

/** Requests per route: valid and broken ones share the runs (see requestsFor's weights). */
function runsFor(op: Operation): number {
  return Math.max(1, Math.round((op.body ? 80 : 50) * factor))
}

// Hundreds of requests over real HTTP through every service: more than the suite's usual 120 s on a loaded machine.
t.setTimeout(300_000)

t.test('every route of the OpenAPI document survives its fuzzing', async (t) => {
  t.comment(`fast-check seed ${seed} (FUZZ_SEED=${seed} reproduces this run; a route's seed is the same under FUZZ_ROUTE)`)
  // The admin routes reach the migrator: a real one, so that they answer as in production.
  const migrationTables = await useTestTables(t)
  const migrator = await buildMigrator(
    loadMigratorConfig({
      env: {
        ...serviceTokenEnv('migrator'),
        DYNAMODB_ENDPOINT: migrationTables.endpoint,
        EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9',
        ...tableNamesToEnv(migrationTables.names),
      },
    }),
    { logger: false },
  )
  const migratorUrl = await migrator.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => migrator.close())
  // A fresh user per route needs more registrations than one address may make in production.
  const built = await build(t, { gatewayEnv: { MIGRATOR_URL: migratorUrl, RATE_LIMIT_REGISTER_PER_ADDRESS: '100000' } })
  const baseUrl = await built.app.listen({ port: 0, host: '127.0.0.1' })

  const document = (await (await fetch(`${baseUrl}/docs/json`)).json()) as OpenApiDocument
  const operations = operationsOf(document).filter((op) => !only || `${op.method} ${op.path}`.includes(only))
  t.ok(operations.length > 0, `${operations.length} operations in the document`)
  const admin = await registerAdmin(built.app)
  const schema = { narrow, examples }
  const tracks = await (await fetch(`${baseUrl}/api/tracks`, { headers: { authorization: `Bearer ${admin.token}` } })).json()
  for (const track of (tracks as { tracks?: Array<{ id: string; aliases: string[]; seasons: number[] }> }).tracks ?? []) {
    for (const id of [track.id, ...track.aliases]) learn('track_id', id)
    for (const season of track.seasons) learn('season', season)
  }

  // A 503 with Retry-After says "not now" about the machine (DynamoDB Local on a loaded CI box), not
  // about the request: a client retries it, and so does the fuzzer before it judges the answer. One
  // that stays a 503 is judged like any other.
  const sendPastLoad = async (req: FuzzRequest, tokens: Parameters<typeof send>[2]) => {
    for (let attempt = 1; ; attempt++) {
      const answer = await send(baseUrl, req, tokens)
      if (answer.status !== 503 || answer.headers['retry-after'] === undefined || attempt === 3) return answer
      await sleep(1_000)
    }
  }

  const fuzz = async (name: string, requests: fc.Arbitrary<FuzzRequest>, numRuns: number) => {
    const runSeed = seedOf(name)
    await t.test(name, async (t) => {
      // A fresh user per route: its daily quotas (api_request, simulation_run) then last the whole route.
      const user = await register(built.app)
      const tokens = { user: user.token, admin: admin.token }
      const statuses = new Map<number, number>()
      const known = new Map<(typeof KNOWN)[number], { count: number; example: string }>()
      try {
        await fc.assert(
          fc.asyncProperty(requests, async (req) => {
            const answer = await sendPastLoad(req, tokens)
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
            if (answer.status < 300 && answer.headers['content-type']?.includes('json')) harvest(JSON.parse(answer.body))
            const problem = verdict(req, answer)
            if (problem === undefined) return
            const finding = KNOWN.find((k) => k.match.test(problem))
            if (!finding) throw new Error(problem)
            const seen = known.get(finding) ?? { count: 0, example: `${JSON.stringify(req).slice(0, 600)} -> ${problem.slice(0, 300)}` }
            known.set(finding, { ...seen, count: seen.count + 1 })
          }),
          { seed: runSeed, numRuns, includeErrorInReport: true },
        )
        t.pass(
          `${numRuns} requests (seed ${runSeed}): ${[...statuses]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s} x${n}`)
            .join(', ')}`,
        )
      } catch (err) {
        t.fail((err as Error).message)
      }
      for (const [finding, { count, example }] of known) t.fail(`${count} x ${finding.todo}. E.g. ${example}`, { todo: 'known finding' })
    })
  }

  for (const op of operations) {
    const options = { schema, forgedAuthorizations: forgedAuthorizations(admin.userId), bodyLimitBytes: built.config.BODY_LIMIT_BYTES }
    await fuzz(`${op.method} ${op.path}: no 5xx, 4xx in the error shape, broken requests refused`, requestsFor(op, options), runsFor(op))
  }
  const paths = [...new Set(operations.map((op) => op.path))]
  for (const path of paths) {
    const declared = operations.filter((op) => op.path === path).map((op) => op.method)
    const others = otherMethodRequests(path, declared)
    if (others) await fuzz(`${path}: methods it does not declare are refused`, others, Math.max(1, Math.round(4 * factor)))
  }
  if (paths.length > 0)
    await fuzz('a request head over 16 KB is refused before any route', headRequests(paths), Math.max(1, Math.round(4 * factor)))
})
