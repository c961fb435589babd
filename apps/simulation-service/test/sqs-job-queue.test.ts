// The job queue on SQS (AWS's), against local-aws-sqs and DynamoDB Local: each job has a message,
// the item's lease still decides who runs it, and messages of no runnable job are cleared.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { sqsServer, type TestQueues } from '@f1/events/sqs-testing'
import { createSqsJobQueue, ORPHAN_AFTER_MS } from '../src/lib/sqs-job-queue.ts'
import { build, operation, simulationBody, userId } from './helper.ts'
import { JOB_ENV, MC_CHARGES, cancel, read, storeJob, submit, until } from './jobs-helper.ts'

type Built = Awaited<ReturnType<typeof build>>

async function onSqs(t: Parameters<typeof build>[0], env: Record<string, string> = {}) {
  const queues = await sqsServer(t)
  const q = await queues.queue({ visibilityTimeoutSeconds: 30 })
  const built = await build(t, { env: { ...JOB_ENV, SIMULATION_JOB_QUEUE_URL: q.url, SQS_ENDPOINT: queues.endpoint, ...env } })
  return { queues, q, built }
}

/** Another reader of the same queue and table, with its own clock. */
const queueOf = (built: Built, queues: TestQueues, url: string, now = Date.now) =>
  createSqsJobQueue({
    sqs: queues.sqs,
    queueUrl: url,
    doc: built.tables.doc,
    tableName: built.tables.names.simulations,
    now,
    log: { warn() {} },
  })

t.test('a job submitted on the SQS queue runs from its message, which is deleted with the job', async (t) => {
  const { queues, q, built } = await onSqs(t)
  const user = userId()
  const op = operation(MC_CHARGES(1_500))
  const res = await submit(built, user, simulationBody('monte_carlo', { runs: 1_500, seed: 3, operation: op }))
  t.equal(res.statusCode, 202)
  const done = await until(built, user, op.id, (job) => job.status === 'done' || job.status === 'failed')
  t.equal(done.status, 'done')
  await built.app.jobsIdle()
  t.equal(await queues.depth(q.url), 0, 'no message left')
  t.equal(Number((await built.rawRows(op.id))[0]!.job_attempts), 1, 'taken once')
})

t.test('two runners on the SQS queue never hold the same job at once', async (t) => {
  const { queues, q, built } = await onSqs(t, { SIMULATION_JOB_POLL_MS: '0' })
  const user = userId()
  const ops = Array.from({ length: 3 }, () => operation(MC_CHARGES(1_500)))
  for (const op of ops) await storeJob(built, { id: op.id, user, runs: 1_500, deadlineMs: 60_000, charged: false })
  const other = queueOf(built, queues, q.url)
  const leases = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : built.app.jobQueue).receive(`runner-${i}`, 30_000)))
  const taken = leases.filter((l) => l !== undefined).map((l) => l.jobId)
  t.same(new Set(taken), new Set(ops.map((op) => op.id)), 'every job taken')
  t.equal(taken.length, 3, 'none taken twice')
  t.ok(
    leases.every((l) => l === undefined || typeof l.receipt === 'string'),
    'each lease holds its message',
  )
  t.equal(await other.receive('late', 30_000), undefined, 'none free while leased')
})

t.test('a released job is received again at once, its release not counted as an attempt; a settled one has its message deleted', async (t) => {
  const { queues, q, built } = await onSqs(t, { SIMULATION_JOB_POLL_MS: '0' })
  const user = userId()
  const [kept, dropped] = [operation(MC_CHARGES(1_500)), operation(MC_CHARGES(1_500))]
  await storeJob(built, { id: kept.id, user, runs: 1_500, deadlineMs: 60_000, charged: false })
  const first = await built.app.jobQueue.receive('first', 30_000)
  t.equal(first?.jobId, kept.id)
  await built.app.jobQueue.release(first!)
  const again = await built.app.jobQueue.receive('second', 30_000)
  t.equal(again?.jobId, kept.id, 'taken by the next receive')
  t.equal(again?.attempt, 1, 'a release is not an attempt')

  await storeJob(built, { id: dropped.id, user, runs: 1_500, deadlineMs: 60_000, charged: false })
  t.equal((await cancel(built, user, dropped.id)).statusCode, 200, 'cancelled while queued: settled')
  t.equal((await read(built, user, dropped.id)).status, 'cancelled')
  t.equal(await built.app.jobQueue.receive('third', 30_000), undefined, 'the settled job is not handed out')
  t.equal(await queues.depth(q.url), 1, "only the running job's message is left")
})

t.test('a job given back by four runners in turn (deploys, scale-ins) is still on its first attempt', async (t) => {
  const { built } = await onSqs(t, { SIMULATION_JOB_POLL_MS: '0' })
  const op = operation(MC_CHARGES(1_500))
  await storeJob(built, { id: op.id, user: userId(), runs: 1_500, deadlineMs: 600_000, charged: false })
  for (let runner = 1; runner <= 4; runner++) {
    const lease = await built.app.jobQueue.receive(`stopping-${runner}`, 30_000)
    t.equal(lease?.attempt, 1, `runner ${runner} received it on its first attempt`)
    await built.app.jobQueue.release(lease!)
  }
  t.equal(Number((await built.rawRows(op.id))[0]!.job_attempts), 0, 'no attempt counted')
})

t.test('a message whose job was never stored waits a while for its item, then is deleted; a message of no job at once', async (t) => {
  const { queues, q, built } = await onSqs(t, { SIMULATION_JOB_POLL_MS: '0' })
  const young = queueOf(built, queues, q.url)
  await young.enqueue({ jobId: '01JD0000000000000000NEVER1', createdAt: new Date().toISOString() })
  t.equal(await young.receive('r', 30_000), undefined)
  t.equal(await queues.depth(q.url), 1, 'kept: its submission may still be storing it')
  await queues.send(q.url, 'not a job')
  t.equal(await young.receive('r', 30_000), undefined)
  t.equal(await queues.depth(q.url), 1, 'the message of no job is deleted at once')

  const later = queueOf(built, queues, q.url, () => Date.now() + ORPHAN_AFTER_MS + 60_000)
  await later.enqueue({ jobId: '01JD0000000000000000NEVER2', createdAt: new Date().toISOString() })
  t.equal(await later.receive('r', 30_000), undefined)
  await sleep(50)
  t.equal(await queues.depth(q.url), 1, 'an old one with no item is deleted')
})
