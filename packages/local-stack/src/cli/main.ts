// f1-local: the local stack's commands (dev, test, dynamodb).
import { parseArgs } from 'node:util'

const USAGE = `Usage: f1-local <command> [options]

Commands:
  dev                 Start DynamoDB Local, create the tables, start every app, seed the demo user.
                      --data-dir DIR  keep DynamoDB Local's data in DIR (default: in memory)
  test [turbo args]   Start one DynamoDB Local, run every package's tests through turbo, stop it,
                      and print "N passed, N failed". Extra arguments go to turbo (e.g. --filter).
  dynamodb            Run DynamoDB Local in the foreground with every table created.
                      --port N (default 8000)  --data-dir DIR (default: in memory)
`

const [command, ...rest] = process.argv.slice(2)

async function main(): Promise<number> {
  switch (command) {
    case 'dev': {
      const { values } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' } } })
      const { runDev } = await import('./dev.ts')
      return runDev({ dataDir: values['data-dir'] })
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
