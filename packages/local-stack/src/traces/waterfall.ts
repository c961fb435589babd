// The local stack's traces as text: the apps append their spans to one JSON-lines file
// (OTEL_TRACES_EXPORTER=file, @f1/service-kit/tracing), and these turn it into a list of traces and
// a waterfall per trace, the view a tracing console gives in AWS.

/** One span as the apps write it (spanRecord in @f1/service-kit/tracing). */
export interface SpanLine {
  trace_id: string
  span_id: string
  parent_span_id: string | null
  service: string
  name: string
  start: string
  duration_ms: number
  status: 'ok' | 'error'
  status_message?: string
  attributes?: Record<string, unknown>
}

export interface TraceSummary {
  traceId: string
  /** The span with no parent in the file (the request that started it), else the earliest. */
  root: SpanLine
  spans: number
  services: string[]
  errors: number
  /** From the first span's start to the last span's end. */
  durationMs: number
}

const isSpanLine = (value: unknown): value is SpanLine => {
  const v = value as Partial<SpanLine> | null
  return (
    typeof v?.trace_id === 'string' && typeof v.span_id === 'string' && typeof v.start === 'string' && typeof v.duration_ms === 'number'
  )
}

/** The spans in a file's text; lines that are not spans (a torn last line) are skipped. */
export function parseSpans(text: string): SpanLine[] {
  const spans: SpanLine[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const value: unknown = JSON.parse(line)
      if (isSpanLine(value)) spans.push(value)
    } catch {
      // A line being written while we read: the next read has it whole.
    }
  }
  return spans
}

const startMs = (span: SpanLine) => Date.parse(span.start)
const endMs = (span: SpanLine) => startMs(span) + span.duration_ms

function byTrace(spans: SpanLine[]): Map<string, SpanLine[]> {
  const traces = new Map<string, SpanLine[]>()
  for (const span of spans) traces.set(span.trace_id, [...(traces.get(span.trace_id) ?? []), span])
  return traces
}

function summary(traceId: string, spans: SpanLine[]): TraceSummary {
  const ids = new Set(spans.map((span) => span.span_id))
  const sorted = [...spans].sort((a, b) => startMs(a) - startMs(b))
  const root = sorted.find((span) => !span.parent_span_id || !ids.has(span.parent_span_id)) ?? sorted[0]!
  const first = Math.min(...spans.map(startMs))
  const last = Math.max(...spans.map(endMs))
  return {
    traceId,
    root,
    spans: spans.length,
    services: [...new Set(sorted.map((span) => span.service))],
    errors: spans.filter((span) => span.status === 'error').length,
    durationMs: Math.round((last - first) * 10) / 10,
  }
}

/** The newest `limit` traces, newest first. */
export function listTraces(spans: SpanLine[], limit: number): TraceSummary[] {
  return [...byTrace(spans)]
    .map(([id, members]) => summary(id, members))
    .sort((a, b) => startMs(b.root) - startMs(a.root))
    .slice(0, limit)
}

/** The spans of the trace whose id is or starts with `idOrPrefix` (at least 6 characters); null when none or several match. */
export function findTrace(spans: SpanLine[], idOrPrefix: string): { traceId: string; spans: SpanLine[] } | { ambiguous: string[] } | null {
  const ids = [...new Set(spans.map((span) => span.trace_id))].filter((id) => id.startsWith(idOrPrefix.toLowerCase()))
  if (ids.length === 0) return null
  if (ids.length > 1) return { ambiguous: ids }
  const traceId = ids[0]!
  return { traceId, spans: spans.filter((span) => span.trace_id === traceId) }
}

const BAR_WIDTH = 30

/** One line per span, children under their parent in start order: offset, duration, a bar on the trace's time scale. */
export function waterfall(spans: SpanLine[]): string[] {
  if (spans.length === 0) return []
  const ids = new Set(spans.map((span) => span.span_id))
  const children = new Map<string | null, SpanLine[]>()
  for (const span of spans) {
    // A parent that is not in the file (a caller whose spans were not recorded) makes its child a root.
    const parent = span.parent_span_id && ids.has(span.parent_span_id) ? span.parent_span_id : null
    children.set(parent, [...(children.get(parent) ?? []), span])
  }
  for (const list of children.values()) list.sort((a, b) => startMs(a) - startMs(b))
  const t0 = Math.min(...spans.map(startMs))
  const total = Math.max(1e-3, Math.max(...spans.map(endMs)) - t0)
  const lines: string[] = []
  const walk = (parent: string | null, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      const from = Math.floor(((startMs(span) - t0) / total) * BAR_WIDTH)
      const width = Math.max(1, Math.round((span.duration_ms / total) * BAR_WIDTH))
      const bar = ' '.repeat(from) + '█'.repeat(Math.min(width, BAR_WIDTH - from))
      const label = `${'  '.repeat(depth)}${span.name} (${span.service})`
      const error = span.status === 'error' ? `  ERROR${span.status_message ? ': ' + span.status_message : ''}` : ''
      const offset = `+${(startMs(span) - t0).toFixed(1)}`
      lines.push(`${offset.padStart(9)} ms ${span.duration_ms.toFixed(1).padStart(9)} ms  ${bar.padEnd(BAR_WIDTH)}  ${label}${error}`)
      walk(span.span_id, depth + 1)
    }
  }
  walk(null, 0)
  return lines
}
