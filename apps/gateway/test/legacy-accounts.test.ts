// Legacy profiles sharing an email in several letter cases: the earliest created is the account,
// whatever format old app versions wrote created_at in and whatever zone the process runs in.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import { useTestTables, type TestTables } from '@f1/tables/testing'
import { spawnTsx } from '@f1/service-kit/testing'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'earliest-profile.ts')
const at = (hh: number, mm = 0) => Date.UTC(2020, 8, 13, hh, mm) // September: Paris is UTC+2

async function putProfile(tables: TestTables, userId: string, email: string, createdAt: string | number) {
  await tables.doc.send(
    new PutCommand({
      TableName: tables.names.legacy,
      Item: { strategy_id: `USER#${userId}`, type: 'user', user_id: userId, email, created_at: createdAt },
    }),
  )
}

t.test('under TZ=Europe/Paris the gateway and the migrator pick the same earliest profile', async (t) => {
  const tables = await useTestTables(t, ['legacy'])
  const run = randomBytes(4).toString('hex')
  const id = (name: string) => `${name}-${run}`
  const mail = (name: string) => `${name}-${run}@example.com`
  const Mail = (name: string) => mail(name).toUpperCase()

  // An epoch-seconds string is no NaN: it is the earliest here.
  await putProfile(tables, id('seconds'), mail('seconds'), String(at(10) / 1000))
  await putProfile(tables, id('iso'), Mail('seconds'), new Date(at(11)).toISOString())
  // `YYYY-MM-DD HH:mm:ss` is UTC (11:30Z), not Paris time (09:30Z): the epoch-ms profile at 10:00Z is earlier.
  await putProfile(tables, id('wall'), mail('wall'), '2020-09-13 11:30:00')
  await putProfile(tables, id('millis'), Mail('wall'), at(10))
  // All four formats in one group; an ISO offset is applied (08:15Z).
  await putProfile(tables, id('mixed-wall'), mail('mixed'), '2020-09-13 09:00:00')
  await putProfile(tables, id('mixed-seconds'), mail('mixed'), String(at(9, 30) / 1000))
  await putProfile(tables, id('mixed-millis'), Mail('mixed'), String(at(10)))
  await putProfile(tables, id('mixed-iso'), Mail('mixed'), '2020-09-13T10:15:00+02:00')

  const emails = [Mail('seconds'), Mail('wall'), Mail('mixed')]
  const res = await spawnTsx(FIXTURE, emails, {
    env: {
      TZ: 'Europe/Paris',
      DYNAMODB_ENDPOINT: tables.endpoint,
      LEGACY_METADATA_TABLE: tables.names.legacy,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  }).closed
  t.equal(res.code, 0, `the child exits cleanly: ${res.stderr}`)
  const out = JSON.parse(res.stdout) as { offsetMinutes: number; picks: Record<string, { gateway?: string; migrator?: string }> }
  t.equal(out.offsetMinutes, -120, 'the child ran in Paris summer time')
  const expected = [id('seconds'), id('millis'), id('mixed-iso')]
  for (const [i, email] of emails.entries()) {
    t.same(out.picks[email], { gateway: expected[i], migrator: expected[i] }, email)
  }
})
