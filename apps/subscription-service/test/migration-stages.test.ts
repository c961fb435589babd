// GET /users/:userId/subscription in each migration stage, over real HTTP handling and DynamoDB
// Local: what legacy is read for, what is compared and recorded, and that the answer never changes
// because of a comparison.
import t from 'tap'
import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { MigrationStage } from '@f1/contracts/migration-stages'
import { readShadowFigures, readStages, stagePut } from '@f1/tables/migration-stages'
import { allItems, auth, build, legacyProfile as putProfile, userId } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>
const NOW = new Date('2026-11-26T12:00:00.000Z')

async function setStage({ tables }: Built, stage: MigrationStage, sampleRate = 1) {
  const current = (await readStages(tables.doc, tables.names.migration)).subscriptions
  await tables.doc.send(
    new TransactWriteCommand({
      TransactItems: [stagePut(tables.names.migration, current, { stage, sampleRate, at: new Date().toISOString(), by: 'test' })],
    }),
  )
}

const legacyProfile = ({ tables }: Built, user: string, fields: Record<string, unknown>) => putProfile(tables, user, fields)

const PRO = { plan: 'PRO', subscription_end: '2027-05-01 00:00:00', stripe_customer_id: 'cus_legacy' }
const read = (built: Built, user: string) => built.app.inject({ url: `/users/${user}/subscription`, headers: auth })

async function figures(built: Built) {
  await built.app.shadow.flush()
  const { minutes, samples } = await readShadowFigures(built.tables.doc, built.tables.names.migration, 'subscriptions', {
    minutes: 5,
    sampleCount: 10,
  })
  const sum = (field: 'match' | 'mismatch' | 'legacy_only' | 'new_only' | 'legacy_reads') => minutes.reduce((n, m) => n + m[field], 0)
  return {
    match: sum('match'),
    mismatch: sum('mismatch'),
    legacy_only: sum('legacy_only'),
    new_only: sum('new_only'),
    legacy_reads: sum('legacy_reads'),
    samples,
  }
}

t.test('fallback (no stage set) reads legacy for a user with no row, migrates it, and counts the legacy read', async (t) => {
  const built = await build(t, { now: () => NOW })
  const user = userId('fb')
  await legacyProfile(built, user, PRO)
  t.match((await read(built, user)).json(), { plan_id: 'pro', source: 'legacy' })
  t.match((await read(built, user)).json(), { plan_id: 'pro', source: 'subscriptions' }, 'migrated: the next read needs no legacy')
  t.match(await figures(built), { legacy_reads: 1, match: 0, mismatch: 0 })
})

for (const stage of ['new-only', 'retired'] as const) {
  t.test(`${stage} never reads legacy: a user with nothing in the new table is free, and nothing is written`, async (t) => {
    const built = await build(t, { now: () => NOW })
    await setStage(built, stage)
    const user = userId('no')
    await legacyProfile(built, user, PRO)
    t.match((await read(built, user)).json(), { plan_id: 'free', effective_plan_id: 'free', source: 'default' })
    t.same(await allItems(built.tables), [], 'no row migrated')
    t.match(await figures(built), { legacy_reads: 0 })
  })
}

t.test('shadow compares a sampled read with legacy and records each outcome, never changing the answer', async (t) => {
  const built = await build(t, { now: () => NOW })
  const [same, changed, onlyLegacy, onlyNew, neither] = ['same', 'changed', 'legacy', 'new', 'none'].map((p) => userId(p)) as [
    string,
    string,
    string,
    string,
    string,
  ]
  for (const user of [same, changed, onlyNew]) {
    await legacyProfile(built, user, PRO)
    t.match((await read(built, user)).json(), { plan_id: 'pro', source: 'legacy' }, 'migrated in fallback')
  }
  await setStage(built, 'shadow', 1)
  await legacyProfile(built, onlyLegacy, PRO)

  t.match((await read(built, same)).json(), { plan_id: 'pro', source: 'subscriptions' })
  // Behind the migration's back: the legacy profile of a migrated user now says team.
  await legacyProfile(built, changed, { ...PRO, plan: 'Enterprise' })
  t.match((await read(built, changed)).json(), { plan_id: 'pro', source: 'subscriptions' }, 'the answer is still the new table’s')
  t.match((await read(built, onlyLegacy)).json(), { plan_id: 'pro', source: 'legacy' }, 'legacy only: answered from legacy and migrated')
  await built.tables.doc.send(new DeleteCommand({ TableName: built.tables.names.legacy, Key: { strategy_id: `USER#${onlyNew}` } }))
  t.match((await read(built, onlyNew)).json(), { plan_id: 'pro', source: 'subscriptions' })
  t.match((await read(built, neither)).json(), { plan_id: 'free' })

  const found = await figures(built)
  t.match(found, { match: 2, mismatch: 1, legacy_only: 1, new_only: 1 }, 'same and neither match; one each of the others')
  t.equal(found.samples.length, 1)
  t.equal(found.samples[0]!.userId, changed)
  t.same(found.samples[0]!.diff.plan_id, { legacy: 'team', new: 'pro' }, 'the sample names the differing field with both values')
})

t.test('shadow at a 0 % sample never reads legacy for a user who has a row', async (t) => {
  const built = await build(t, { now: () => NOW })
  const user = userId('zero')
  await legacyProfile(built, user, PRO)
  await read(built, user)
  await setStage(built, 'shadow', 0)
  for (let i = 0; i < 20; i++) await read(built, user)
  t.match(await figures(built), { legacy_reads: 1, match: 0 }, 'only the first, migrating read')
})

t.test(
  'a stage change reaches the readers within the cache life, and rolling back from new-only to fallback mid-traffic loses nothing',
  async (t) => {
    const built = await build(t, { now: () => NOW })
    const migrated = Array.from({ length: 10 }, (_, i) => userId(`m${i}`))
    const unmigrated = Array.from({ length: 10 }, (_, i) => userId(`u${i}`))
    for (const user of [...migrated, ...unmigrated]) await legacyProfile(built, user, PRO)
    for (const user of migrated) await read(built, user)
    await setStage(built, 'new-only')

    const traffic = async () => {
      const answers: Array<{ user: string; plan: string; stage: string }> = []
      for (let round = 0; round < 6; round++) {
        for (const user of [...migrated, ...unmigrated]) {
          const stage = (await readStages(built.tables.doc, built.tables.names.migration)).subscriptions.stage
          answers.push({ user, plan: (await read(built, user)).json<{ plan_id: string }>().plan_id, stage })
        }
      }
      return answers
    }
    const running = traffic()
    await new Promise((resolve) => setTimeout(resolve, 50))
    await setStage(built, 'fallback')
    const answers = await running
    for (const { user, plan } of answers.filter((a) => migrated.includes(a.user)))
      t.equal(plan, 'pro', `${user} migrated: pro in every stage`)
    const after = answers.filter((a) => unmigrated.includes(a.user) && a.stage === 'fallback')
    t.ok(after.length > 0, 'reads after the rollback')
    t.ok(
      // Each request's stage was read just before it (no cache here): fallback then is fallback for the request.
      after.every((a) => a.plan === 'pro'),
      'after the rollback every unmigrated user gets their legacy plan',
    )
    for (const user of unmigrated) t.match((await read(built, user)).json(), { plan_id: 'pro' }, `${user} back to legacy's answer`)
    const rows = await allItems(built.tables)
    const users = rows.map((row) => row.user_id as string)
    t.equal(new Set(users).size, users.length, 'one row per user: nothing duplicated')
    t.same(new Set(users), new Set([...migrated, ...unmigrated]), 'and none lost: every user has its row')
  },
)
