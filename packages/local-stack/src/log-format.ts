// Turns the apps' pino JSON lines into short readable ones for the dev console.
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' }
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'request_id', 'req', 'res', 'responseTime', 'v'])

/** One display line for a log line; non-JSON lines pass through unchanged. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : ''
  const level = LEVELS[entry.level as number] ?? String(entry.level)
  const req = entry.req as { method?: string; url?: string } | undefined
  const res = entry.res as { statusCode?: number } | undefined
  const parts = [time, level, String(entry.msg ?? '')]
  if (req?.method) parts.push(`${req.method} ${req.url}`)
  if (res?.statusCode) parts.push(`${res.statusCode} in ${Math.round(Number(entry.responseTime ?? 0))} ms`)
  const rest = Object.entries(entry).filter(([k]) => !HIDDEN.has(k))
  if (rest.length > 0) parts.push(JSON.stringify(Object.fromEntries(rest)))
  if (entry.request_id) parts.push(`(${String(entry.request_id).slice(0, 8)})`)
  return parts.filter(Boolean).join(' ')
}
