// `f1-local traces` on the spans real apps write: two apps of this process, traced to a file the
// way `f1-local dev` sets them up, one calling the other.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { createServiceApp } from '@f1/service-kit'
import { createServiceClient } from '@f1/service-kit/service-client'
import { startTracing } from '@f1/service-kit/tracing'
import { parseSpans, waterfall, type SpanLine } from '../src/traces/waterfall.ts'

const CLI = join(import.meta.dirname, '..', 'bin', 'f1-local.mjs')
const run = promisify(execFile)
const config = { LOG_LEVEL: 'info' as const, BODY_LIMIT_BYTES: 1_048_576 }

async function recordTwoTraces(file: string) {
  const tracing = startTracing('apps', { OTEL_TRACES_EXPORTER: 'file', TRACES_FILE: file, OTEL_TRACES_SAMPLER_ARG: 1 })
  const callee = createServiceApp({ name: 'callee', config, logger: false })
  callee.get('/fails', async () => {
    throw new Error('broken on purpose')
  })
  callee.get('/ok', async () => ({ ok: true }))
  await callee.listen({ port: 0, host: '127.0.0.1' })
  const client = createServiceClient({
    name: 'callee',
    baseUrl: `http://127.0.0.1:${(callee.server.address() as AddressInfo).port}`,
    serviceToken: 'x',
  })
  const caller = createServiceApp({ name: 'caller', config, logger: false })
  caller.get('/both', async () => {
    await client.call({ method: 'GET', path: '/ok' })
    return client.call({ method: 'GET', path: '/fails' }).catch(() => ({ failed: true }))
  })
  caller.get('/alone', async () => ({ alone: true }))
  await caller.inject({ method: 'GET', url: '/both' })
  await caller.inject({ method: 'GET', url: '/alone' })
  await caller.close()
  await callee.close()
  // Flushes the batch of spans to the file.
  await tracing.shutdown()
}

t.test('f1-local traces lists the newest traces and draws one as a waterfall of its spans', async (t) => {
  const file = join(t.testdir(), 'traces.jsonl')
  await recordTwoTraces(file)
  const spans = parseSpans(readFileSync(file, 'utf8'))
  t.equal(new Set(spans.map((span) => span.trace_id)).size, 2, 'two requests, two traces')

  const list = await run(process.execPath, [CLI, 'traces', '--file', file])
  const lines = list.stdout.trim().split('\n')
  t.equal(lines.length, 2)
  t.match(lines[0], /^[0-9a-f]{32} .* 1 spans {2}GET \/alone \(apps\)$/, 'newest first, one span')
  t.match(
    lines[1],
    /^[0-9a-f]{32} .* 5 spans {2}GET \/both \(apps\) {2}2 errors$/,
    'the request, its two calls and their two requests; the failed call and request',
  )

  const traceId = lines[1]!.slice(0, 32)
  const shown = await run(process.execPath, [CLI, 'traces', traceId.slice(0, 8)])
    .then(() => t.fail('without --file it reads the dev file'))
    .catch((err: { code: number }) => err.code)
  t.equal(shown, 1, 'no such trace in the default file')

  const tree = await run(process.execPath, [CLI, 'traces', traceId.slice(0, 8), '--file', file])
  const rows = tree.stdout.trim().split('\n')
  t.equal(rows[0], `trace ${traceId}`)
  t.match(rows[1], /\+ *0\.0 ms .*█.* {2}GET \/both \(apps\)$/)
  t.match(rows[2], / {4}GET \(apps\)$/, 'the first call, under the request')
  t.match(rows[3], / {6}GET \/ok \(apps\)$/, "the callee's request, under the call")
  t.match(rows[5], / {6}GET \/fails \(apps\) {2}ERROR: broken on purpose$/, 'a failed span says why')
})

t.test('f1-local traces refuses a malformed id and explains an empty or missing file', async (t) => {
  const bad = await run(process.execPath, [CLI, 'traces', 'not-hex!', '--file', '/nowhere']).catch(
    (err: { code: number; stderr: string }) => err,
  )
  t.match(bad, { code: 2, stderr: /6 to 32 hex characters/ })
  const missing = await run(process.execPath, [CLI, 'traces', '--file', join(t.testdir(), 'none.jsonl')]).catch(
    (err: { code: number; stderr: string }) => err,
  )
  t.match(missing, { code: 1, stderr: /start the stack with `pnpm dev`/ })
})

t.test('a span whose parent was not recorded is drawn as a root, and a torn last line is skipped', async (t) => {
  const span = (id: string, parent: string | null, start: number, duration: number): SpanLine => ({
    trace_id: 'a'.repeat(32),
    span_id: id,
    parent_span_id: parent,
    service: 's',
    name: `span ${id}`,
    start: new Date(Date.UTC(2026, 11, 2) + start).toISOString(),
    duration_ms: duration,
    status: 'ok',
  })
  const text = [span('1', 'missing', 0, 10), span('2', '1', 2, 4)].map((s) => JSON.stringify(s)).join('\n') + '\n{"trace_id": "aaa'
  const spans = parseSpans(text)
  t.equal(spans.length, 2)
  const rows = waterfall(spans)
  t.match(rows[0], /^ +\+0\.0 ms +10\.0 ms {2}█{30} {2}span 1 \(s\)$/)
  t.match(rows[1], /^ +\+2\.0 ms +4\.0 ms {2} {6}█{12} + {2}span 2 \(s\)$/)
})
