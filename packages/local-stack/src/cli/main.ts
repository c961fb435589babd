// f1-local: the local stack's commands (dev, test, dynamodb, bus, relay, dlq).
import { parseArgs } from 'node:util'

const USAGE = `Usage: f1-local <command> [options]

Commands:
  dev                 Start DynamoDB Local, create the tables, start the bus, the outbox relay and every app,
                      seed the demo user.
                      --data-dir DIR  keep DynamoDB Local's data in DIR (default: in memory)
  test [turbo args]   Start one DynamoDB Local, run every package's tests through turbo, stop it,
                      and print "N passed, N failed". Extra arguments go to turbo (e.g. --filter).
  env-docs [--check]  Write each app's README env table from its config schema (--check: only report stale ones).
  dynamodb            Run DynamoDB Local in the foreground with every table created.
                      --port N (default 8000)  --data-dir DIR (default: in memory)
  bus                 Run the local EventBridge-compatible bus in the foreground (PutEvents, rules, delivery).
                      --port N (default EVENT_BUS_PORT or 4010)  --dir DIR dead letters (default .local/bus)  --verbose
  relay               Run the outbox relay in the foreground: every outbox item inserted in an outbox table's
                      stream goes on the bus (EventBridge Pipes do this in AWS), at least once, from checkpoints.
                      --dir DIR checkpoints (default .local/relay)  --tables usage,... (default all)  --poll-ms N  --verbose
  dlq list            List the bus's dead letters: id, rule, target, attempts, last error, time.  --json  --dir DIR
  dlq replay          Re-deliver dead letters to their targets and remove those delivered.
                      --id ID (dead-letter or event id) | --all   --dir DIR
`

const [command, ...rest] = process.argv.slice(2)

async function main(): Promise<number> {
  switch (command) {
    case 'dev': {
      const { values } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' } } })
      const { runDev } = await import('./dev.ts')
      return runDev({ dataDir: values['data-dir'] })
    }
    case 'env-docs': {
      const { syncEnvDocs } = await import('../env-docs.ts')
      const { repoRoot } = await import('./paths.ts')
      const check = rest.includes('--check')
      const results = await syncEnvDocs(repoRoot(), { write: !check })
      for (const r of results) console.log(`${r.upToDate ? 'up to date' : check ? 'STALE     ' : 'written   '} ${r.readme}`)
      return check && results.some((r) => !r.upToDate) ? 1 : 0
    }
    case 'test': {
      const { runTests } = await import('./test-run.ts')
      return runTests(rest)
    }
    case 'dynamodb': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' }, 'data-dir': { type: 'string' } } })
      const { runDynamoDb } = await import('./dynamodb-cmd.ts')
      return runDynamoDb({ port: Number(values.port ?? 8000), dataDir: values['data-dir'] })
    }
    case 'bus': {
      const { runBus } = await import('./bus-cmd.ts')
      return runBus(rest)
    }
    case 'relay': {
      const { runRelay } = await import('./relay-cmd.ts')
      return runRelay(rest)
    }
    case 'dlq': {
      const { runDlq } = await import('./bus-cmd.ts')
      return runDlq(rest)
    }
    default:
      process.stdout.write(USAGE)
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
