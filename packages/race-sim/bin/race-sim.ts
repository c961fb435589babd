// Command line for analysts: `simulate <request.json>` or `optimize <request.json>` ('-' reads stdin).
// Prints the result JSON on stdout; a bad request prints the typed error on stderr and exits 1.
import { readFileSync } from 'node:fs'
import { parseCliArgs, pathFromInvocation, USAGE_EXIT_CODE, UsageError } from '@f1/service-kit/cli-args'
import { RaceSimError } from '../src/errors.ts'
import { runOptimization } from '../src/optimizer.ts'
import { runSimulation } from '../src/simulate.ts'

const USAGE = 'usage: race-sim simulate|optimize <request.json | ->'

function fail(status: number, error: { code: string; message: string; details?: Record<string, unknown> }): never {
  process.stderr.write(JSON.stringify({ error }) + '\n')
  process.exit(status)
}

let positionals: string[] = []
try {
  positionals = parseCliArgs(process.argv.slice(2), { allowPositionals: true }).positionals
} catch (err) {
  if (!(err instanceof UsageError)) throw err
  fail(USAGE_EXIT_CODE, { code: 'USAGE', message: `${err.message}; ${USAGE}` })
}
const [command, file, ...extra] = positionals
if ((command !== 'simulate' && command !== 'optimize') || file === undefined || extra.length > 0)
  fail(USAGE_EXIT_CODE, { code: 'USAGE', message: USAGE })

const path = file === '-' ? 0 : pathFromInvocation(file)
let text: string
try {
  text = readFileSync(path, 'utf8')
} catch (err) {
  fail(2, { code: 'UNREADABLE_REQUEST', message: `cannot read ${file}: ${(err as Error).message}` })
}
let request: unknown
try {
  request = JSON.parse(text)
} catch (err) {
  fail(1, { code: 'INVALID_REQUEST', message: `${file} is not JSON: ${(err as Error).message}` })
}

try {
  const result = command === 'simulate' ? runSimulation(request) : await runOptimization(request)
  process.stdout.write(JSON.stringify(result) + '\n')
} catch (err) {
  if (err instanceof RaceSimError) fail(1, err.toJSON())
  throw err
}
