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

export async function runTests(args: string[]): Promise<number> {
  // `pnpm test -- --filter x` hands us the `--`; to turbo it would mean "pass the rest to every task".
  const turboArgs = args.filter((arg) => arg !== '--')
  const phases = turboArgs.length > 0 ? [turboArgs] : [[`--filter=!${RUNS_ALONE_LAST}`], [`--filter=${RUNS_ALONE_LAST}`]]
  await buildTapPlugins(repoRoot())
  const ddb = await startDynamoDbLocal({})
  console.log(`DynamoDB Local for this run: ${ddb.endpoint}`)
  const totals = new TapTotals()
  let turbo: ChildProcess | undefined
  onShutdownSignal(async (signal) => {
    turbo?.kill(signal)
    await ddb.stop()
  })
  let exitCode = 0
  for (const phase of phases) {
    const turboCommand = ['run', 'test', '--continue', '--concurrency=2', ...(process.env.CI ? ['--log-order=grouped'] : []), ...phase]
    const child = spawn('turbo', turboCommand, {
      cwd: repoRoot(),
      env: {
        ...process.env,
        DYNAMODB_ENDPOINT: ddb.endpoint,
        FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
        // The SDK's notice that Node 20 support ends in 2027 would repeat in every test process.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    turbo = child
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk)
      totals.feed(chunk.toString())
    })
    const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? 1)))
    if (code !== 0) exitCode = code
  }
  await ddb.stop()
  const { passed, failed, suites } = totals.finish()
  // A package that crashed before tap could summarise still has to show as a failure.
  const failedShown = exitCode !== 0 && failed === 0 ? 1 : failed
  console.log(`\n${suites} test suites; DynamoDB Local stopped.`)
  console.log(`${passed} passed, ${failedShown} failed`)
  return exitCode !== 0 || failed > 0 ? 1 : 0
}
