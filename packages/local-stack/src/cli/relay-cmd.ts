// `f1-local relay`: the outbox relay in the foreground, what the EventBridge Pipes do in AWS: every
// outbox item inserted in a table's stream goes on the bus, at least once.
import { join } from 'node:path'
import { parseCliArgs } from '@f1/service-kit/cli-args'
import { OUTBOX_TABLE_IDS, type OutboxTableId } from '@f1/tables/outbox'
import { jsonLineLogger } from '../bus/logger.ts'
import { formatLogLine } from '../log-format.ts'
import { relaySettingsFromEnv } from '../relay/config.ts'
import { startRelay } from '../relay/relay.ts'
import { onShutdownSignal } from './signals.ts'

const RELAY_USAGE = `Usage: f1-local relay [--dir DIR] [--tables ${OUTBOX_TABLE_IDS.join(',')}] [--poll-ms N] [--verbose]
  --dir DIR     checkpoints.json (and unpublishable.jsonl) in DIR (default RELAY_DIR, else <repo>/.local/relay)
  --tables IDS  only these outbox tables (default every one); names come from the environment
  --poll-ms N   wait between reads of a shard with nothing new (default 250)
`

export async function runRelay(args: string[]): Promise<number> {
  const { values } = parseCliArgs(args, {
    options: {
      dir: { type: 'string' },
      tables: { type: 'string' },
      'poll-ms': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(RELAY_USAGE)
    return 0
  }
  const settings = relaySettingsFromEnv(process.env)
  const ids = values.tables === undefined ? OUTBOX_TABLE_IDS : values.tables.split(',').map((id) => id.trim())
  const unknown = ids.filter((id) => !(OUTBOX_TABLE_IDS as string[]).includes(id))
  const pollMs = values['poll-ms'] === undefined ? undefined : Number(values['poll-ms'])
  if (unknown.length > 0 || ids.length === 0 || (pollMs !== undefined && !(pollMs >= 0))) {
    if (unknown.length > 0) process.stderr.write(`Not an outbox table: ${unknown.join(', ')}\n`)
    process.stderr.write(RELAY_USAGE)
    return 2
  }
  // JSON lines (one per batch sent), readable ones only on a terminal.
  const pretty = process.stdout.isTTY
  const logger = jsonLineLogger((line) => process.stdout.write(`${pretty ? formatLogLine(line) : line}\n`), {
    verbose: values.verbose ?? false,
  })
  const relay = await startRelay({
    dynamodbEndpoint: settings.dynamodbEndpoint,
    region: settings.region,
    tables: Object.fromEntries(ids.map((id) => [id, settings.tables[id as OutboxTableId]])),
    eventBridgeEndpoint: settings.eventBridgeEndpoint,
    busName: settings.busName,
    checkpointFile: join(values.dir ?? settings.dir, 'checkpoints.json'),
    ...(pollMs === undefined ? {} : { pollIntervalMs: pollMs }),
    logger,
  })
  onShutdownSignal(() => relay.stop())
  await new Promise(() => {})
  return 0
}
