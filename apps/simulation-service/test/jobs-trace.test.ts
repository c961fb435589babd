// A job runs in the trace of the request that submitted it, however much later and wherever it runs:
// the job's item keeps the request's traceparent. Tracing is global to a process: a file of its own.
import t from 'tap'
import { recordSpansInMemory } from '@f1/service-kit/tracing'
import { build, operation, simulationBody, userId } from './helper.ts'
import { JOB_ENV, MC_CHARGES, submit, until } from './jobs-helper.ts'

const spans = recordSpansInMemory('simulation-service')
t.teardown(() => spans.shutdown())

t.test("a job's run is a span in the trace of the request that submitted it, and its calls are the run's children", async (t) => {
  const built = await build(t, { env: JOB_ENV })
  const user = userId()
  const op = operation(MC_CHARGES(1_500))
  const res = await submit(built, user, simulationBody('monte_carlo', { runs: 1_500, seed: 5, operation: op }))
  t.equal(res.statusCode, 202)
  t.equal((await until(built, user, op.id, (job) => job.status === 'done' || job.status === 'failed')).status, 'done')
  await built.app.jobsIdle()

  const finished = spans.spans()
  const submitted = finished.find((span) => span.name === 'POST /users/:userId/simulations')
  const run = finished.find((span) => span.name === 'run simulation job')
  t.ok(submitted && run, 'both spans recorded')
  t.equal(run?.spanContext().traceId, submitted?.spanContext().traceId, 'the run continues the submitting request’s trace')
  t.equal(run?.attributes['f1.simulation_id'], op.id)
  t.equal(run?.attributes['f1.job_attempt'], 1)
  const runId = run?.spanContext().spanId
  const writes = finished.filter((span) => span.parentSpanContext?.spanId === runId && span.name.startsWith('DynamoDB.'))
  t.ok(writes.length > 0, "the run's DynamoDB calls are its children")
  t.ok(
    finished.some((span) => span.parentSpanContext?.spanId === runId && span.name === 'POST'),
    'so is its call to usage-service (the charge commit)',
  )
})
