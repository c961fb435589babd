import { Writable } from 'node:stream'
import t from 'tap'
import { createServiceApp } from '../src/app.ts'
import { countMetric, METRICS_NAMESPACE } from '../src/metrics.ts'

type Line = Record<string, unknown>

/** What CloudWatch Logs needs of a line to extract its metrics (the EMF specification's rules), as problems; none when it is a document. */
function emfProblems(line: Line): string[] {
  const aws = line._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined
  if (!aws) return ['no _aws member']
  const problems: string[] = []
  if (typeof aws.Timestamp !== 'number') problems.push('Timestamp is not a number')
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) return [...problems, 'no CloudWatchMetrics']
  for (const directive of aws.CloudWatchMetrics as Array<{ Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }>) {
    if (typeof directive.Namespace !== 'string' || directive.Namespace.length === 0) problems.push('no Namespace')
    for (const set of directive.Dimensions as string[][]) {
      if (set.length > 30) problems.push(`a dimension set of ${set.length} keys`)
      for (const key of set) if (typeof line[key] !== 'string') problems.push(`dimension ${key} is not a string member`)
    }
    for (const metric of directive.Metrics as Array<{ Name: string; Unit: string }>) {
      if (typeof line[metric.Name] !== 'number') problems.push(`metric ${metric.Name} is not a number member`)
      if (!['Milliseconds', 'Count'].includes(metric.Unit)) problems.push(`unit ${metric.Unit}`)
    }
  }
  return problems
}

function app() {
  const lines: Line[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line)
      done()
    },
  })
  const built = createServiceApp({ name: 'widget', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 2048 }, logger: { stream } })
  built.register(async (scope) => {
    scope.get('/widgets/:id', async () => ({ ok: true }))
    scope.get('/broken', async () => {
      throw new Error('down')
    })
  })
  return { built, lines, of: (id: string) => lines.filter((l) => l.request_id === id) }
}

t.test("a request's one line is a metric document: latency and fault per route pattern and per service", async (t) => {
  const { built, of } = app()
  await built.inject({ url: '/widgets/w-123?x=1', headers: { 'x-request-id': 'req-1' } })
  const [line] = of('req-1')
  t.same(emfProblems(line!), [])
  t.match(line, { msg: 'request completed', service: 'widget', route: 'GET /widgets/:id', fault: 0 })
  t.type(line!.latency_ms, 'number')
  const directive = (line!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics[0]!
  t.equal(directive.Namespace, METRICS_NAMESPACE)
  t.same(directive.Dimensions, [['service', 'route'], ['service']])
})

t.test('a 5xx counts one fault on its route; an unknown path is one "unmatched" route, never its URL', async (t) => {
  const { built, of } = app()
  await built.inject({ url: '/broken', headers: { 'x-request-id': 'req-5xx' } })
  await built.inject({ url: '/no/such/path/abc', headers: { 'x-request-id': 'req-404' } })
  const [broken] = of('req-5xx').filter((l) => 'route' in l)
  t.same(emfProblems(broken!), [])
  t.match(broken, { route: 'GET /broken', fault: 1 })
  const [missing] = of('req-404').filter((l) => 'route' in l)
  t.match(missing, { route: 'unmatched', fault: 0 })
})

t.test('a domain count is a metric document of its own, per service and per its dimensions', async (t) => {
  const { built, lines } = app()
  await built.ready()
  countMetric(built.log, 'quota_denials', { feature: 'simulation_run' })
  const line = lines.find((l) => l.msg === 'metric quota_denials')
  t.same(emfProblems(line!), [])
  t.match(line, { service: 'widget', feature: 'simulation_run', quota_denials: 1 })
  t.same((line!._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }).CloudWatchMetrics[0]!.Dimensions, [
    ['service', 'feature'],
  ])
})
