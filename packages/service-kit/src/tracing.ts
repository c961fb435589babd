// Traces: one OpenTelemetry trace per request, from the gateway through each service it calls to
// DynamoDB and SQS, continued by the consumers of the events it caused (their detail carries the W3C
// `traceparent`). Spans come from the code itself, with no module patching: Fastify's own plugin
// for server spans, undici's diagnostics channels for service calls, the AWS SDK's middleware
// stack (aws-tracing.ts). Loader hooks would be needed otherwise, and the apps run as ESM bundles.
import { appendFileSync } from 'node:fs'
import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span, type SpanOptions } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import type { TRACE_EXPORTERS } from './config.ts'

export interface TracingSettings {
  OTEL_TRACES_EXPORTER: (typeof TRACE_EXPORTERS)[number]
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined
  OTEL_TRACES_SAMPLER_ARG: number
  TRACES_FILE: string
}

export interface Tracing {
  /** Sends the spans still buffered and stops recording. */
  shutdown(): Promise<void>
}

/** The name every span of the platform's own code is recorded under. */
export const TRACER_NAME = 'f1-race-sim'

let provider: NodeTracerProvider | undefined

/** True once this process records spans: the Fastify plugin and the log fields are added only then. */
export const tracingEnabled = (): boolean => provider !== undefined

/** The platform's tracer (a no-op one while tracing is off). */
export const tracer = () => trace.getTracer(TRACER_NAME)

/** One span as a line of JSON: what `console` prints and `file` appends, and `f1-local traces` reads. */
export function spanRecord(span: ReadableSpan): Record<string, unknown> {
  const { traceId, spanId } = span.spanContext()
  const durationMs = span.duration[0] * 1_000 + span.duration[1] / 1e6
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: span.parentSpanContext?.spanId ?? null,
    service: span.resource.attributes[ATTR_SERVICE_NAME],
    name: span.name,
    kind: span.kind,
    start: new Date(span.startTime[0] * 1_000 + span.startTime[1] / 1e6).toISOString(),
    duration_ms: Math.round(durationMs * 1_000) / 1_000,
    status: span.status.code === 2 ? 'error' : 'ok',
    ...(span.status.message ? { status_message: span.status.message } : {}),
    attributes: span.attributes,
    ...(span.links.length > 0 ? { links: span.links.map((link) => link.context.traceId + '-' + link.context.spanId) } : {}),
  }
}

/** Writes each finished span as one JSON line: to a file (appends are whole lines, so processes can share it) or stderr. */
export class JsonLinesSpanExporter implements SpanExporter {
  private readonly write: (text: string) => void

  constructor(write: (text: string) => void) {
    this.write = write
  }

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    try {
      this.write(spans.map((span) => JSON.stringify(spanRecord(span)) + '\n').join(''))
      done({ code: 0 })
    } catch (error) {
      done({ code: 1, error: error instanceof Error ? error : new Error(String(error)) })
    }
  }

  async shutdown(): Promise<void> {}
}

function exporterFor(settings: TracingSettings): SpanExporter | undefined {
  switch (settings.OTEL_TRACES_EXPORTER) {
    case 'none':
      return undefined
    case 'otlp':
      return new OTLPTraceExporter({
        url: `${(settings.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/$/, '')}/v1/traces`,
        // Below the batch processor's own export timeout (30 s): a stopped collector costs spans, never requests.
        timeoutMillis: 10_000,
      })
    case 'file':
      return new JsonLinesSpanExporter((text) => appendFileSync(settings.TRACES_FILE, text))
    case 'console':
      return new JsonLinesSpanExporter((text) => process.stderr.write(text))
  }
}

/**
 * Starts recording this process's spans as `service`; does nothing when the exporter is `none`.
 * `processor` replaces the exporter (tests read spans from memory).
 */
export function startTracing(service: string, settings: TracingSettings, processor?: SpanProcessor): Tracing {
  const exporter = processor ? undefined : exporterFor(settings)
  if (!processor && !exporter) return { shutdown: async () => {} }
  if (provider) throw new Error('tracing is already started in this process')
  const started = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    // A call that arrives with a trace follows its caller's decision, so a trace is whole or absent.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [processor ?? new BatchSpanProcessor(exporter!, { scheduledDelayMillis: 1_000 })],
  })
  // Sets the W3C trace context propagator and the AsyncLocalStorage context manager globally.
  started.register()
  // Service calls (undici's Pool, and fetch) get client spans and carry `traceparent` to the callee.
  const undici = new UndiciInstrumentation()
  undici.setTracerProvider(started)
  provider = started
  return {
    shutdown: async () => {
      undici.disable()
      await started.shutdown()
      trace.disable()
      context.disable()
      provider = undefined
    },
  }
}

/** The active span's ids for a log line, so a log line leads to its trace. */
export function traceLogFields(): Record<string, string> {
  const span: Span | undefined = trace.getSpan(context.active())
  if (!span) return {}
  const { traceId, spanId, traceFlags } = span.spanContext()
  // Unsampled spans are exported nowhere: their ids would lead to nothing.
  return traceFlags & 1 ? { trace_id: traceId, span_id: spanId } : {}
}

/**
 * Runs `work` inside a new span (a child of `parent`, by default the active context) and ends it
 * when the work settles: an error is recorded on it and rethrown. With tracing off, only `work` runs.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  if (!tracingEnabled()) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT))
  const base = parent ?? context.active()
  const span = tracer().startSpan(name, options, base)
  try {
    return await context.with(trace.setSpan(base, span), () => work(span))
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error))
    span.recordException(err)
    span.setAttribute('error.type', err.name)
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message })
    throw error
  } finally {
    span.end()
  }
}

export type { ReadableSpan }

/** Records this process's spans in memory (tests): `spans()` lists the finished ones. */
export function recordSpansInMemory(service = 'test') {
  const exporter = new InMemorySpanExporter()
  const tracing = startTracing(service, { OTEL_TRACES_EXPORTER: 'none', OTEL_TRACES_SAMPLER_ARG: 1, TRACES_FILE: 'unused' }, new SimpleSpanProcessor(exporter))
  return { spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset(), shutdown: () => tracing.shutdown() }
}

/**
 * The W3C `traceparent` of the work under way, when it is traced: what work done later elsewhere (an
 * event's consumer, a queued job's runner) keeps so that it continues the same trace.
 */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent
}

/** The context that continues a kept `traceparent` (a new trace's root without one). */
export function continuing(traceparent: unknown): Context {
  return typeof traceparent === 'string' ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT
}
