// Turns the apps' pino JSON lines into short readable ones for the dev console, with pino-pretty.
import { prettyFactory } from 'pino-pretty'

/** The apps' one line per request ("request completed", service-kit app.ts): its route, status and time taken. */
function requestMessage(log: Record<string, unknown>, messageKey: string): string {
  const req = log.req as { method?: string; url?: string } | undefined
  const res = log.res as { statusCode?: number } | undefined
  const parts = [String(log[messageKey] ?? '')]
  if (req?.method) parts.push(`${req.method} ${req.url}`)
  // Fastify gives the time with a dozen decimals; a millisecond is all a reader needs.
  if (res?.statusCode) parts.push(`${res.statusCode} in ${Math.round(Number(log.responseTime ?? 0))} ms`)
  // The first block of the id is enough to tell requests apart on a console.
  if (typeof log.request_id === 'string') parts.push(`(${log.request_id.slice(0, 8)})`)
  return parts.join(' ')
}

const prettify = prettyFactory({
  // The console tags each line with its app (dev.ts), in colour on a terminal; the line itself has none.
  colorize: false,
  translateTime: 'UTC:HH:MM:ss.l',
  // One line per entry, so each keeps its app's tag; an error's stack still follows on its own lines.
  singleLine: true,
  // Shown by the message above, or nothing new on a dev console (the metric members: service-kit metrics.ts).
  ignore: 'pid,hostname,service,req,res,responseTime,request_id,route,latency_ms,fault,_aws',
  messageFormat: requestMessage,
})

/** One display line for a log line; non-JSON lines pass through unchanged. */
export function formatLogLine(line: string): string {
  // Only an object can be a log entry; anything else is kept exactly as printed.
  if (!line.startsWith('{')) return line
  // pino-pretty ends every line with a newline, which the caller adds itself.
  return prettify(line).replace(/\n$/, '')
}
