// The stage store against DynamoDB Local: what readers see, when, and what the recorder adds up.
import t from 'tap'
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { createShadowRecorder, createStageReader, readShadowFigures, readStages, stagePut } from '../src/migration-stages.ts'
import { useTestTables } from '../src/testing.ts'

t.test('a reader answers fallback for a kind never set, and sees a change only once its cache life is over', async (t) => {
  const tables = await useTestTables(t, ['migration'])
  let clock = 1_000
  const reader = createStageReader({ doc: tables.doc, tableName: tables.names.migration, ttlMs: 15_000, now: () => clock })
  t.match(await reader.get('usage'), { stage: 'fallback', changedAt: null, version: 0 })
  const current = (await readStages(tables.doc, tables.names.migration)).usage
  await tables.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        stagePut(tables.names.migration, current, { stage: 'shadow', sampleRate: 0.5, at: '2026-12-02T20:00:00.000Z', by: 'ops' }),
      ],
    }),
  )
  clock += 14_999
  t.equal((await reader.get('usage')).stage, 'fallback', 'cached')
  clock += 1
  t.match(await reader.get('usage'), { stage: 'shadow', shadowSampleRate: 0.5, changedBy: 'ops', version: 1 })
})

t.test('a change written over a stale version is refused: of two operators at once, one wins', async (t) => {
  const tables = await useTestTables(t, ['migration'])
  const read = (await readStages(tables.doc, tables.names.migration)).actions
  const change = (stage: 'shadow' | 'new-only') =>
    tables.doc.send(
      new TransactWriteCommand({
        TransactItems: [stagePut(tables.names.migration, read, { stage, sampleRate: 0.1, at: new Date().toISOString(), by: stage })],
      }),
    )
  await change('shadow')
  await t.rejects(change('new-only'), { name: 'TransactionCanceledException' })
  t.equal((await readStages(tables.doc, tables.names.migration)).actions.stage, 'shadow')
})

t.test('a reader whose table does not answer keeps the last stage it read, and never throws', async (t) => {
  const tables = await useTestTables(t, ['migration'])
  const errors: unknown[] = []
  let clock = 0
  let tableName = tables.names.migration
  const reader = createStageReader({
    doc: tables.doc,
    get tableName() {
      return tableName
    },
    ttlMs: 10,
    now: () => clock,
    onError: (err) => errors.push(err),
  })
  const current = (await readStages(tables.doc, tables.names.migration)).simulations
  await tables.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        stagePut(tables.names.migration, current, { stage: 'new-only', sampleRate: 0.1, at: new Date().toISOString(), by: 'x' }),
      ],
    }),
  )
  t.equal((await reader.get('simulations')).stage, 'new-only')
  tableName = 'no-such-table'
  clock += 100
  t.equal((await reader.get('simulations')).stage, 'new-only', 'the last known stage')
  t.equal(errors.length, 1)
})

t.test('the recorder adds each minute’s counts to one item per kind and minute, and keeps few samples', async (t) => {
  const tables = await useTestTables(t, ['migration'])
  let now = new Date('2026-12-02T20:00:10.000Z')
  const recorder = createShadowRecorder({ doc: tables.doc, tableName: tables.names.migration, flushEveryMs: 3_600_000, now: () => now })
  t.teardown(() => recorder.close())
  for (let i = 0; i < 3; i++) recorder.compared('usage', 'match')
  for (let i = 0; i < 20; i++)
    recorder.compared('usage', 'mismatch', { userId: `u${i}`, diff: { plan_id: { legacy: 'team', new: 'pro' } } })
  recorder.legacyRead('usage', 4)
  await recorder.flush()
  now = new Date('2026-12-02T20:01:05.000Z')
  recorder.compared('usage', 'match')
  await recorder.flush()
  const figures = await readShadowFigures(tables.doc, tables.names.migration, 'usage', { minutes: 10, sampleCount: 50, now })
  t.same(
    figures.minutes.map((m) => [m.minute, m.match, m.mismatch, m.legacy_reads]),
    [
      ['2026-12-02T20:01', 1, 0, 0],
      ['2026-12-02T20:00', 3, 20, 4],
    ],
  )
  t.equal(figures.samples.length, 5, 'five samples a kind per flush')
})

t.test('a mismatch sample whose diff is kilobytes long is stored cut per field, and reads back as JSON', async (t) => {
  const tables = await useTestTables(t, ['migration'])
  const now = new Date('2026-12-02T20:00:10.000Z')
  const recorder = createShadowRecorder({ doc: tables.doc, tableName: tables.names.migration, flushEveryMs: 3_600_000, now: () => now })
  t.teardown(() => recorder.close())
  const laps = Array.from({ length: 800 }, (_, i) => 90 + i / 1000)
  recorder.compared('simulations', 'mismatch', {
    userId: 'u1',
    diff: { results: { legacy: { laps }, new: { laps: laps.slice(1) } }, status: { legacy: 'done', new: 'failed' } },
  })
  await recorder.flush()
  const { samples } = await readShadowFigures(tables.doc, tables.names.migration, 'simulations', { minutes: 5, sampleCount: 5, now })
  t.equal(samples.length, 1)
  const diff = samples[0]!.diff
  t.same(Object.keys(diff), ['results', 'status'], 'every differing field is named')
  t.same(diff.status, { legacy: 'done', new: 'failed' }, 'a short value is kept as it was')
  t.match(diff.results!.legacy, /^\{"laps":\[90,.*…$/, 'a long value becomes the start of its JSON')
  t.ok(JSON.stringify(diff).length <= 2_100)
})

t.test('counts whose write failed are written by the next flush, not lost', async (t) => {
  const tables = await useTestTables(t, ['migration'])
  const now = new Date('2026-12-02T20:00:10.000Z')
  let tableName = 'no-such-table'
  const errors: unknown[] = []
  const recorder = createShadowRecorder({
    doc: tables.doc,
    get tableName() {
      return tableName
    },
    flushEveryMs: 3_600_000,
    now: () => now,
    onError: (err) => errors.push(err),
  })
  t.teardown(() => recorder.close())
  recorder.compared('usage', 'match')
  recorder.legacyRead('usage', 2)
  await recorder.flush()
  t.equal(errors.length, 1, 'the failed write is reported')
  recorder.compared('usage', 'match')
  tableName = tables.names.migration
  await recorder.flush()
  const { minutes } = await readShadowFigures(tables.doc, tables.names.migration, 'usage', { minutes: 5, sampleCount: 0, now })
  t.same(
    minutes.map((m) => [m.match, m.legacy_reads]),
    [[2, 2]],
  )
})
