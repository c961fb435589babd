// DynamoDB stalls (SIGSTOP) under simulation traffic: every request ends charged-and-stored or
// refunded-and-absent, once the holds have run out and the sweepers have run. A DynamoDB Local of
// this file's own, since stopping the shared one would stall every other test file.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { HAM_SHANGHAI, bearer, build, register, setPlan } from './helper.ts'

const BODIES = [
  { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'single', strategy: HAM_SHANGHAI },
  { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'race', strategy: HAM_SHANGHAI },
  { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'monte_carlo', runs: 300, strategy: HAM_SHANGHAI },
]

t.test('DynamoDB paused for 5 s mid-traffic: every simulation ends charged and stored, or refunded with nothing stored', async (t) => {
  const ddb = await startDynamoDbLocal()
  t.teardown(() => ddb.stop())
  process.env.DYNAMODB_ENDPOINT = ddb.endpoint
  let clockOffset = 0
  const built = await build(t, {
    gatewayEnv: { SIMULATION_TIMEOUT_MS: '4000' },
    servicesNow: () => new Date(Date.now() + clockOffset),
  })
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'team')

  const answers: Array<{ status: number; simulationId?: string }> = []
  let stop = false
  const client = async (n: number) => {
    for (let i = n; !stop; i += 3) {
      const res = await built.app.inject({
        method: 'POST',
        url: '/api/simulations',
        headers: bearer(user.token),
        payload: BODIES[i % BODIES.length]!,
      })
      answers.push({ status: res.statusCode, ...(res.statusCode === 201 ? { simulationId: res.json().simulation_id as string } : {}) })
    }
  }
  const traffic = Promise.all([client(0), client(1), client(2)])
  await sleep(1_500)
  ddb.process.kill('SIGSTOP')
  await sleep(5_000)
  ddb.process.kill('SIGCONT')
  await sleep(2_500)
  stop = true
  await traffic

  const statuses = answers.map((a) => a.status)
  t.ok(statuses.filter((s) => s === 201).length > 0, 'some runs succeeded before and after the stall')
  t.ok(
    statuses.some((s) => s >= 500),
    'some runs failed during the stall',
  )
  t.same(
    statuses.filter((s) => ![201, 503, 504].includes(s)),
    [],
    `no answer but 201, 503 and 504 (${[...new Set(statuses)].join(', ')})`,
  )

  // Later: every hold has run out; both sweepers settle what the stall left behind.
  clockOffset = 10 * 60_000
  await built.usage.sweepExpiredCharges()
  await built.simulations.sweepPendingSimulations()

  const scan = async (table: 'usage' | 'simulations') =>
    ((await built.tables.doc.send(new ScanCommand({ TableName: built.tables.names[table], ConsistentRead: true }))).Items ?? []).filter(
      (item) => !item.outbox_event_id,
    )
  const usageRows = await scan('usage')
  const charges = usageRows.filter((row) => String(row.feature_date_key).startsWith('charge#'))
  const committed = charges.filter((c) => c.status === 'committed')
  const simulations = await scan('simulations')
  t.same(
    charges.filter((c) => c.status === 'held').map((c) => c.charge_id),
    [],
    'no charge is left held',
  )
  t.same(
    simulations.filter((s) => s.pending_owner).map((s) => s.simulation_id),
    [],
    'no result is left hidden',
  )
  const shown = new Set(simulations.filter((s) => s.user_id).map((s) => String(s.simulation_id)))
  t.same([...shown].sort(), committed.map((c) => String(c.charge_id)).sort(), 'stored results and committed charges are the same set')
  for (const answer of answers.filter((a) => a.status === 201))
    t.ok(shown.has(answer.simulationId!), `answered ${answer.simulationId} is stored`)
  for (const feature of ['simulation_run', 'monte_carlo_run']) {
    const counted = usageRows.filter((r) => r.feature_name === feature).reduce((n, r) => n + Number(r.usage_count), 0)
    const charged = committed
      .flatMap((c) => c.lines as Array<{ feature: string; amount: number }>)
      .filter((l) => l.feature === feature)
      .reduce((n, l) => n + l.amount, 0)
    t.equal(counted, charged, `${feature}: the counter holds exactly the committed charges (${charged})`)
  }
  t.comment(
    `${answers.length} requests: ${statuses.filter((s) => s === 201).length} stored, ${statuses.filter((s) => s !== 201).length} failed; ${charges.length} charges`,
  )
})
