// `f1-local traces [TRACE_ID]`: the traces the local stack's apps recorded (`f1-local dev` has them
// append their spans to one file): the newest traces, or one trace as a waterfall.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { intOption, parseCliArgs, UsageError } from '@f1/service-kit/cli-args'
import { findTrace, listTraces, parseSpans, waterfall } from '../traces/waterfall.ts'
import { repoRoot } from './paths.ts'

export const TRACES_USAGE = `Usage: f1-local traces [TRACE_ID] [--last N] [--file FILE] [--json]

  (no id)   the newest traces: when, the request that started it, services, spans, errors, duration
  TRACE_ID  one trace (its id, or the first 6 or more characters of it) as a waterfall;
            a log line's trace_id leads here
  --last N     how many traces to list (default 20)
  --file FILE  the spans file (default TRACES_FILE, else <repo>/.local/traces.jsonl, where \`f1-local dev\` writes)
  --json       the spans (or the list) as JSON
`

/** Where `f1-local dev` has the apps write their spans. */
export const defaultTracesFile = (): string => process.env.TRACES_FILE ?? join(repoRoot(), '.local', 'traces.jsonl')

export function runTraces(args: readonly string[]): number {
  const { values, positionals } = parseCliArgs(args, {
    allowPositionals: true,
    options: { last: { type: 'string' }, file: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(TRACES_USAGE)
    return 0
  }
  if (positionals.length > 1) throw new UsageError('give at most one trace id')
  const id = positionals[0]
  if (id !== undefined && !/^[0-9a-fA-F]{6,32}$/.test(id)) throw new UsageError(`a trace id is 6 to 32 hex characters, got ${id}`)
  const file = values.file ?? defaultTracesFile()
  if (!existsSync(file)) {
    process.stderr.write(`No spans at ${file}: start the stack with \`pnpm dev\` (it records traces there), then make a request.\n`)
    return 1
  }
  const spans = parseSpans(readFileSync(file, 'utf8'))
  if (id === undefined) {
    const traces = listTraces(spans, intOption(values.last, 'last', 1, 10_000) ?? 20)
    if (values.json) {
      process.stdout.write(JSON.stringify(traces) + '\n')
      return 0
    }
    if (traces.length === 0) process.stdout.write(`No traces in ${file} yet.\n`)
    for (const trace of traces) {
      const errors = trace.errors > 0 ? `  ${trace.errors} error${trace.errors > 1 ? 's' : ''}` : ''
      process.stdout.write(
        `${trace.traceId}  ${trace.root.start}  ${trace.durationMs.toFixed(1).padStart(8)} ms  ${String(trace.spans).padStart(3)} spans  ` +
          `${trace.root.name} (${trace.services.join(', ')})${errors}\n`,
      )
    }
    return 0
  }
  const found = findTrace(spans, id)
  if (found === null) {
    process.stderr.write(`No trace ${id} in ${file}.\n`)
    return 1
  }
  if ('ambiguous' in found) {
    process.stderr.write(
      `${id} starts ${found.ambiguous.length} traces' ids (${found.ambiguous.slice(0, 5).join(', ')}): give more of it.\n`,
    )
    return 1
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(found.spans) + '\n')
    return 0
  }
  process.stdout.write(`trace ${found.traceId}\n${waterfall(found.spans).join('\n')}\n`)
  return 0
}
