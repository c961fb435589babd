// f1-local: the local stack's commands (dev, test, dynamodb, bus, relay, dlq, traces, stripe).
import { dropPassThroughSeparator, intOption, parseCliArgs, reportUsageError, UsageError, USAGE_EXIT_CODE } from '@f1/service-kit/cli-args'

const USAGE = `Usage: f1-local <command> [options]

Commands:
  dev                 Start DynamoDB Local, create the tables, start the bus, the local Stripe double, the outbox
                      relay and every app, seed the demo user.
                      --data-dir DIR  keep DynamoDB Local's data in DIR (default: in memory)
  test [turbo args]   Start one DynamoDB Local, run every package's tests through turbo, stop it,
                      and print "N passed, N failed". Extra arguments go to turbo (e.g. --filter).
  dynamodb            Run DynamoDB Local in the foreground with every table created.
                      --port N (default 8000)  --data-dir DIR (default: in memory)
  bus                 Run the local EventBridge-compatible bus in the foreground: PutEvents, rules, and each consumer's
                      queue and dead-letter queue (SQS, in its memory) that matched events are put on.
                      --port N (default EVENT_BUS_PORT or 4010)  --queue-port N (default EVENT_QUEUE_PORT or 4011)
                      --dir DIR dead letters (default .local/bus)  --verbose
  bus queues          Each consumer's queue of the running bus: waiting, being handled, dead-lettered.  --json
  bus peek CONSUMER   The events in a consumer's dead-letter queue (left there).  --max N  --json
  bus redrive         Move a consumer's dead-letter queue back to its queue.  CONSUMER | --all
                      (queues, peek, redrive: --endpoint URL, default SQS_ENDPOINT, else http://127.0.0.1:4011)
  relay               Run the outbox relay in the foreground: every outbox item inserted in an outbox table's
                      stream goes on the bus (EventBridge Pipes do this in AWS), at least once, from checkpoints.
                      --dir DIR checkpoints (default RELAY_DIR, else .local/relay)  --tables usage,... (default all)  --poll-ms N  --verbose
  dlq list            List the events the bus could not put on a queue: id, rule, target, attempts, last error, time.
                      --json  --dir DIR
  dlq replay          Put those dead letters on their consumer's queue (of the running bus) and remove those put.
                      --id ID (dead-letter or event id) | --all   --dir DIR  --endpoint URL
  traces [TRACE_ID]   The traces the apps of \`dev\` recorded: the newest ones, or one as a waterfall of its spans
                      across services, DynamoDB, queues and events.  --last N  --file FILE  --json
  stripe              Run the local Stripe double in the foreground (test mode, in memory; \`dev\` starts one):
                      the Stripe API calls subscription-service makes, a checkout page, signed webhooks.
                      --port N (default STRIPE_DOUBLE_PORT or 12111)  --webhook-url URL (default the gateway's)
`

const HELP = { help: { type: 'boolean', short: 'h' } } as const

// pnpm's `--` may stand before the command (`pnpm exec f1-local -- dev`) as well as after it.
const [command, ...rest] = dropPassThroughSeparator(process.argv.slice(2))

function printUsage(): number {
  process.stdout.write(USAGE)
  return 0
}

async function main(): Promise<number> {
  switch (command) {
    case 'dev': {
      const { values } = parseCliArgs(rest, { options: { 'data-dir': { type: 'string' }, ...HELP } })
      if (values.help) return printUsage()
      const { runDev } = await import('./dev.ts')
      return runDev({ dataDir: values['data-dir'] })
    }
    case 'test': {
      const { runTests } = await import('./test-run.ts')
      return runTests(rest)
    }
    case 'dynamodb': {
      const { values } = parseCliArgs(rest, { options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, ...HELP } })
      if (values.help) return printUsage()
      const { runDynamoDb } = await import('./dynamodb-cmd.ts')
      return runDynamoDb({ port: intOption(values.port, 'port', 0, 65535) ?? 8000, dataDir: values['data-dir'] })
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
    case 'traces': {
      const { runTraces } = await import('./traces-cmd.ts')
      return runTraces(rest)
    }
    case 'stripe': {
      const { runStripeDouble } = await import('../stripe/cli.ts')
      return runStripeDouble(rest)
    }
    default:
      process.stdout.write(USAGE)
      return command === undefined || command === 'help' || command === '--help' || command === '-h' ? 0 : USAGE_EXIT_CODE
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.exit(reportUsageError(err, `f1-local ${command}`, process.stderr, USAGE))
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
