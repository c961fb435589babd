// A pino-shaped logger for the bus that writes JSON lines through any sink (the dev console's prefixer, stdout).
import type { BusLogger } from './delivery.ts'

/** Writes each log call as one pino-style JSON line (`level`, `time`, `msg`, fields) to `write`; debug only when verbose. */
export function jsonLineLogger(write: (line: string) => void, options: { verbose?: boolean } = {}): BusLogger {
  const line = (level: number) => (obj: object, msg: string) => {
    const fields = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, v instanceof Error ? v.message : v]))
    write(JSON.stringify({ level, time: Date.now(), msg, ...fields }))
  }
  return { debug: options.verbose ? line(20) : () => {}, info: line(30), warn: line(40), error: line(50) }
}
