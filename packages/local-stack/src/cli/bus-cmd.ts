// `f1-local bus` (the local EventBridge-compatible bus in the foreground) and `f1-local dlq list|replay`
// (its dead letters, read from the file, so they work whether the bus runs or not).
import { intOption, parseCliArgs, UsageError } from '@f1/service-kit/cli-args'
import { busSettingsFromEnv } from '../bus/config.ts'
import { openDeadLetterStore, summarize, type ReplayFilter } from '../bus/dead-letters.ts'
import { DEFAULT_RETRY, postEvent } from '../bus/delivery.ts'
import { jsonLineLogger } from '../bus/logger.ts'
import { startLocalBus } from '../bus/server.ts'
import { formatLogLine } from '../log-format.ts'
import { onShutdownSignal } from './signals.ts'

const BUS_USAGE = `Usage: f1-local bus [--port N] [--dir DIR] [--verbose]
  --port N   listen on N, 0 for any free port (default EVENT_BUS_PORT, else 4010)
  --dir DIR  the dead-letter directory (default EVENT_BUS_DEAD_LETTER_DIR, else <repo>/.local/bus)
  --verbose  debug lines too
`

export async function runBus(args: string[]): Promise<number> {
  const { values } = parseCliArgs(args, {
    options: { port: { type: 'string' }, dir: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(BUS_USAGE)
    return 0
  }
  const port = intOption(values.port, 'port', 0, 65535)
  const bus = await startLocalBus({
    ...(port === undefined ? {} : { port }),
    ...(values.dir === undefined ? {} : { deadLetterDir: values.dir }),
    logger: jsonLineLogger((line) => process.stdout.write(`${formatLogLine(line)}\n`), { verbose: values.verbose ?? false }),
  })
  onShutdownSignal(() => bus.close())
  console.log(
    `Local EventBridge bus "${bus.busName}" on ${bus.url} (EVENTBRIDGE_ENDPOINT=${bus.url}); dead letters in ${bus.deadLetters.file}. Ctrl-C stops it.`,
  )
  await new Promise(() => {})
  return 0
}

const DLQ_USAGE = `Usage: f1-local dlq list [--json] [--dir DIR]
       f1-local dlq replay (--id ID | --all) [--dir DIR]
  --id ID   a dead-letter id or an event id (every dead letter of that event)
  --dir DIR the dead-letter directory (default EVENT_BUS_DEAD_LETTER_DIR, else <repo>/.local/bus)
`

export async function runDlq(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    options: {
      dir: { type: 'string' },
      json: { type: 'boolean' },
      id: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  })
  if (values.help) {
    process.stdout.write(DLQ_USAGE)
    return 0
  }
  const [action, ...extra] = positionals
  if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'`)
  const settings = busSettingsFromEnv(process.env)
  const store = openDeadLetterStore(values.dir ?? settings.deadLetterDir)

  if (action === 'list') {
    let count = 0
    for await (const record of store.entries()) {
      count++
      const s = summarize(record)
      if (values.json) console.log(JSON.stringify(s))
      else
        console.log(
          `${s.id}  ${s.deadLetteredAt}  ${s.rule} -> ${s.target}  attempts=${s.attempts}  ${s.source} / ${s.detailType} (event ${s.eventId})\n    last error: ${s.lastError}`,
        )
    }
    if (!values.json) console.log(count === 0 ? `No dead letters in ${store.file}.` : `${count} dead letter(s) in ${store.file}.`)
    return 0
  }

  if (action === 'replay') {
    if ((values.id === undefined) === (values.all !== true)) {
      process.stderr.write(DLQ_USAGE)
      return 2
    }
    const filter: ReplayFilter = values.id === undefined ? { all: true } : { id: values.id }
    const report = await store.replay(filter, (record) => {
      let url = record.url
      try {
        url = settings.targetUrl(record.target)
      } catch {
        // no URL configured for that app any more: try where it was
      }
      return postEvent(url, record.event, { secret: settings.secret, timeoutMs: DEFAULT_RETRY.requestTimeoutMs })
    })
    for (const id of report.delivered) console.log(`delivered  ${id}`)
    for (const { id, error } of report.failed) console.log(`failed     ${id}  ${error}`)
    if (report.attempted === 0) {
      console.log(values.id === undefined ? `No dead letters in ${store.file}.` : `No dead letter with id ${values.id} in ${store.file}.`)
      return values.id === undefined ? 0 : 1
    }
    console.log(`${report.delivered.length} delivered and removed, ${report.failed.length} still failing (kept).`)
    return report.failed.length === 0 ? 0 : 1
  }

  process.stderr.write(DLQ_USAGE)
  return 2
}
