// `f1-local test`: one DynamoDB Local for the whole run, every package's tap tests through
// turbo, and one closing line summed over packages for CI.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { startDynamoDbLocal } from '../dynamodb.ts'
import { repoRoot } from './paths.ts'
import { onShutdownSignal } from './signals.ts'
import { TapTotals } from './tap-totals.ts'

/**
 * Builds tap's test class for our plugin set (every package's .taprc names the same) once, before
 * anything runs in parallel: tap rebuilds it on first use when the plugins differ from its default,
 * and two first uses at once (turbo runs two tasks) race and leave it half written for the run.
 */
async function buildTapPlugins(root: string): Promise<void> {
  const cwd = join(root, 'packages', 'contracts')
  const child = spawn(join(cwd, 'node_modules', '.bin', 'tap'), ['build'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] })
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  if (code !== 0) throw new Error(`tap build failed (exit ${code})`)
}

// The fault suite runs a DynamoDB Local of its own, every app as a process and a load generator: on
// two cores beside the other suites it starves them (and they it) into timeouts. A whole run keeps
// it for last, alone.
const RUNS_ALONE_LAST = '@f1/faults'

/**
 * One package's tests at a time (tap still runs two files at once). Two packages at once put four
 * test files, their in-process apps and the shared DynamoDB Local on two cores: the database then
 * answered past the apps' 5 s deadlines and sound code failed with 503s. Builds and lints have no
 * database and keep both lanes.
 */
const TEST_CONCURRENCY = 1
const BUILD_CONCURRENCY = 2

/** Runs turbo from the repository root; every line it prints goes to ours and to `onOutput`. */
function startTurbo(turboArgs: string[], env: NodeJS.ProcessEnv, onOutput?: (text: string) => void): ChildProcess {
  const child = spawn('turbo', turboArgs, {
    cwd: repoRoot(),
    env: {
      ...process.env,
      ...env,
      FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
      // The SDK's notice that Node 20 support ends in 2027 would repeat in every test process.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk)
    onOutput?.(chunk.toString())
  })
  return child
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('close', (code) => resolve(code ?? 1)))
}

/**
 * turbo's arguments for the type-check, build and lint of every package the run tests: the user's
 * filters as given. (The test phases' filters together would cancel out: `!x` and `x` select nothing.)
 */
export function prepareArgs(turboArgs: readonly string[], extra: readonly string[] = []): string[] {
  return ['run', 'check-types', 'build', 'lint', '--continue', `--concurrency=${BUILD_CONCURRENCY}`, ...extra, ...turboArgs]
}

export async function runTests(args: string[]): Promise<number> {
  // `pnpm test -- --filter x` hands us the `--`; to turbo it would mean "pass the rest to every task".
  const turboArgs = args.filter((arg) => arg !== '--')
  const phases = turboArgs.length > 0 ? [turboArgs] : [[`--filter=!${RUNS_ALONE_LAST}`], [`--filter=${RUNS_ALONE_LAST}`]]
  const grouped = process.env.CI ? ['--log-order=grouped'] : []
  let turbo: ChildProcess | undefined
  let stopDynamoDb: (() => Promise<void>) | undefined
  onShutdownSignal(async (signal) => {
    turbo?.kill(signal)
    await stopDynamoDb?.()
  })

  await buildTapPlugins(repoRoot())
  turbo = startTurbo(prepareArgs(turboArgs, grouped), {})
  const prepared = await exitOf(turbo)
  if (prepared !== 0) {
    console.log(`\nType-check, build or lint failed (turbo exit ${prepared}); no test ran.\n0 passed, 1 failed`)
    return 1
  }

  const ddb = await startDynamoDbLocal({})
  stopDynamoDb = ddb.stop
  console.log(`DynamoDB Local for this run: ${ddb.endpoint}`)
  const totals = new TapTotals()
  let exitCode = 0
  for (const phase of phases) {
    turbo = startTurbo(
      ['run', 'test', '--continue', `--concurrency=${TEST_CONCURRENCY}`, ...grouped, ...phase],
      { DYNAMODB_ENDPOINT: ddb.endpoint },
      (text) => totals.feed(text),
    )
    const code = await exitOf(turbo)
    if (code !== 0) exitCode = code
  }
  await ddb.stop()
  const { passed, failed, suites } = totals.finish()
  // A package that crashed before tap could summarise still has to show as a failure.
  const failedShown = exitCode !== 0 && failed === 0 ? 1 : failed
  const failures = totals.failureReport()
  if (failures) console.log(`\nWhat failed, as tap reported it above:\n${failures}`)
  console.log(`\n${suites} test suites; DynamoDB Local stopped.`)
  console.log(`${passed} passed, ${failedShown} failed`)
  return exitCode !== 0 || failed > 0 ? 1 : 0
}
