// The migrator's command line: backfill, verify, generate, status, stages. Logs go to stderr as JSON lines;
// on a terminal the backfill shows one progress line instead. Reports go to stdout (and --report).
import { writeFileSync } from 'node:fs'
import { pino } from 'pino'
import { dropPassThroughSeparator, intOption, parseCliArgs, pathFromInvocation, UsageError } from '@f1/service-kit/cli-args'
import { ConfigError, LOCAL_STAGE } from '@f1/service-kit/config'
import { createDynamoClients } from '@f1/tables/client'
import type { LegacyRates } from '@f1/legacy/generator'
import { loadMigratorJobConfig, type MigratorJobConfig } from '../config.ts'
import { RunInProgressError } from '../errors.ts'
import { Pacer } from '../lib/pacer.ts'
import { formatReport, type Progress } from '../lib/report.ts'
import { startBackfill, type BackfillDeps } from '../migration/backfill.ts'
import { runGenerate } from '../migration/generate.ts'
import { migrationSetupOf, type RunDefaults } from '../migration/setup.ts'
import { runVerify, type Difference } from '../migration/verify.ts'
import { createLegacyRepository } from '../repositories/legacy.ts'
import { createStateRepository } from '../repositories/state/index.ts'
import { archiveCommand, ARCHIVE_USAGE } from './archive.ts'
import { stagesCommand, STAGES_USAGE } from './stages.ts'

export const EXIT = { ok: 0, failed: 1, differences: 1, withFailures: 2, usage: 2, locked: 3, refused: 4, interrupted: 130 } as const

const USAGE = `Usage: f1-migrator <command> [options]

  backfill   Migrate every legacy item into the new tables (resumes an unfinished run)
             --dry-run            read and transform everything, write nothing, print the report
             --segments N         parallel Scan segments (default MIGRATION_SEGMENTS, from the CPU count)
             --rate N             write at most N items per second
             --page-size N        items per Scan page, one checkpoint each (default 250)
             --batch-size N       conditional writes per request: 1 = single PutItem (default), more = TransactWriteItems
             --concurrency N      write requests in flight (default 32)
             --fresh              do not resume the unfinished run; start a new one
             --report FILE        also write the report as JSON
             --progress-every S   seconds between progress log lines when not on a terminal (default 10)
  verify     Compare legacy with the new tables; print every difference; exit 0 only when they agree
             --segments N, --page-size N, --report FILE
  generate   Write generated legacy data into the legacy table (dev and test tables only)
             --users N --seed S   how many users, and the seed (the same seed gives the same data)
             --rates JSON         defect rates, e.g. '{"brokenJson":0.2}'
             --tally FILE         also write the generator's tally as JSON
  status     Show the backfill lock and the latest runs
${STAGES_USAGE}
${ARCHIVE_USAGE}

Tables, endpoint and defaults come from the environment (see README.md).`

const num = (n: number) => n.toLocaleString('en-US')
const clock = (s: number | null) =>
  s === null ? '?' : `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`

/** Items read, out of the legacy table's estimated count when known. */
const readOf = (p: Progress) => `${num(p.read)}${p.total_estimate === null ? '' : `/${num(p.total_estimate)}`}`

/** The progress line of a run (null: a dry run): items read / written / skipped / rejected, speed, ETA and throttling. */
export function progressLine(runId: string | null, p: Required<Progress>, throttled: number): string {
  return (
    `${runId ?? 'dry run'}: read ${readOf(p)} | written ${num(p.written)} | skipped ${num(p.skipped)} | ` +
    `rejected ${num(p.rejected)}${p.failed > 0 ? ` | failed ${num(p.failed)}` : ''} | ${num(p.items_per_s)} items/s | ETA ${clock(p.eta_s)}` +
    (throttled > 0 ? ` | throttled ${num(throttled)}` : '')
  )
}

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  env: Record<string, string | undefined>
}

async function backfill(args: string[], defaults: RunDefaults, d: BackfillDeps, io: Io): Promise<number> {
  const { values } = parseCliArgs(args, {
    options: {
      'dry-run': { type: 'boolean', default: false },
      segments: { type: 'string' },
      rate: { type: 'string' },
      'page-size': { type: 'string' },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      report: { type: 'string' },
      'progress-every': { type: 'string' },
    },
  })
  let handle
  try {
    handle = await startBackfill(d, {
      dryRun: values['dry-run'] ?? false,
      segments: intOption(values.segments, 'segments', 1, 1000) ?? defaults.segments,
      rate: intOption(values.rate, 'rate', 1, 1_000_000) ?? null,
      pageSize: intOption(values['page-size'], 'page-size', 1, 1000) ?? defaults.pageSize,
      batchSize: intOption(values['batch-size'], 'batch-size', 1, 100) ?? defaults.batchSize,
      concurrency: intOption(values.concurrency, 'concurrency', 1, 256) ?? defaults.concurrency,
      fresh: values.fresh ?? false,
      source: 'cli',
    })
  } catch (err) {
    if (err instanceof RunInProgressError) {
      io.stderr.write(`${err.message}. Watch it with \`f1-migrator status\`; it resumes by itself if its process dies.\n`)
      return EXIT.locked
    }
    throw err
  }
  const tty = io.stderr.isTTY === true
  let stops = 0
  const onSignal = (signal: NodeJS.Signals) => {
    stops += 1
    if (stops > 1) process.exit(EXIT.interrupted)
    d.log.warn({ signal }, 'stopping after the pages in progress (again to exit at once; the next start resumes either way)')
    handle.stop()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const every = (intOption(values['progress-every'], 'progress-every', 1, 3600) ?? 10) * 1000
  const ticker = setInterval(
    () => {
      const p = handle.progress()
      const throttled = handle.throttled()
      const line = progressLine(handle.runId, p, throttled)
      if (tty) io.stderr.write(`\r\x1b[2K${line}`)
      else d.log.info({ run_id: handle.runId, progress: p, throttled }, line)
    },
    tty ? 500 : every,
  )
  let report
  try {
    report = await handle.done
  } catch (err) {
    if (tty) io.stderr.write('\n')
    io.stderr.write(`Backfill failed: ${(err as Error).message}\nStart it again to resume from its checkpoints.\n`)
    return EXIT.failed
  } finally {
    clearInterval(ticker)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  if (tty) io.stderr.write(`\r\x1b[2K${progressLine(handle.runId, handle.progress(), handle.throttled())}\n`)
  io.stdout.write(`${formatReport(report)}\n`)
  if (values.report) writeFileSync(pathFromInvocation(values.report), `${JSON.stringify(report, null, 2)}\n`)
  if (report.status === 'interrupted') {
    io.stdout.write('Interrupted: start the same command again to resume from the checkpoints.\n')
    return EXIT.interrupted
  }
  return report.status === 'completed' ? EXIT.ok : EXIT.withFailures
}

function describeDifference(d: Difference): string {
  return `${d.type.toUpperCase().padEnd(9)} ${d.table.padEnd(13)} legacy ${d.legacy_id}  ${d.row}  ${d.detail}`
}

async function verify(args: string[], defaults: RunDefaults, d: BackfillDeps, io: Io): Promise<number> {
  const { values } = parseCliArgs(args, {
    options: { segments: { type: 'string' }, 'page-size': { type: 'string' }, report: { type: 'string' } },
  })
  const report = await runVerify(d, {
    segments: intOption(values.segments, 'segments', 1, 1000) ?? defaults.segments,
    pageSize: intOption(values['page-size'], 'page-size', 1, 1000) ?? defaults.pageSize,
    onDifference: (difference) => io.stdout.write(`${describeDifference(difference)}\n`),
  })
  const l = report.legacy
  io.stdout.write(
    `Legacy: ${num(l.read)} items, ${num(l.mapped)} mapped, ${num(l.rejected)} rejected and ${num(l.skipped)} skipped (expected, not differences)\n`,
  )
  for (const [table, t] of Object.entries(report.tables)) {
    io.stdout.write(
      `  ${table.padEnd(13)} expected ${num(t.expected)}, matching ${num(t.matching)}, kept live ${num(t.kept_live)}, migrated rows scanned ${num(t.migrated_rows)}\n`,
    )
  }
  const diff = report.differences
  io.stdout.write(
    report.agree
      ? 'Legacy and the new tables agree.\n'
      : `Differences: ${num(diff.missing)} missing, ${num(diff.different)} different, ${num(diff.extra)} extra.\n`,
  )
  if (values.report) writeFileSync(pathFromInvocation(values.report), `${JSON.stringify(report, null, 2)}\n`)
  return report.agree ? EXIT.ok : EXIT.differences
}

async function generate(args: string[], config: MigratorJobConfig, d: BackfillDeps, io: Io): Promise<number> {
  const { values } = parseCliArgs(args, {
    options: { users: { type: 'string' }, seed: { type: 'string', default: 'demo' }, rates: { type: 'string' }, tally: { type: 'string' } },
  })
  if (config.STAGE !== LOCAL_STAGE)
    throw new UsageError(`generate writes made-up data into the legacy table; it runs only with STAGE=${LOCAL_STAGE} (got ${config.STAGE})`)
  const users = intOption(values.users, 'users', 0, 100_000_000)
  if (users === undefined) throw new UsageError('generate needs --users N')
  let rates: Partial<LegacyRates> | undefined
  try {
    rates = values.rates ? (JSON.parse(values.rates) as Partial<LegacyRates>) : undefined
  } catch {
    throw new UsageError('--rates must be a JSON object')
  }
  const seed = /^\d+$/.test(values.seed ?? '') ? Number(values.seed) : (values.seed ?? 'demo')
  const pacer = new Pacer({ concurrency: 8 })
  const legacy = createLegacyRepository({ doc: d.clients.doc, client: d.clients.client, tableName: d.names.legacy, readPacer: pacer })
  const tty = io.stderr.isTTY === true
  let lastLog = 0
  const tally = await runGenerate(legacy, {
    users,
    seed,
    ...(rates ? { rates } : {}),
    onProgress: (p) => {
      const line = `generate: ${num(p.users)}/${num(users)} users, ${num(p.items)} items written, ${num(p.items_per_s)} items/s`
      if (tty) io.stderr.write(`\r\x1b[2K${line}`)
      else if (Date.now() - lastLog > 5_000) {
        lastLog = Date.now()
        d.log.info({ progress: p }, line)
      }
    },
  })
  if (tty) io.stderr.write('\n')
  io.stdout.write(`Generated ${num(tally.users)} users, ${num(tally.items)} legacy items into ${d.names.legacy}.\n`)
  io.stdout.write(`Expected migration outcome: ${JSON.stringify(tally.expected)}\n`)
  if (values.tally) writeFileSync(pathFromInvocation(values.tally), `${JSON.stringify(tally, null, 2)}\n`)
  return EXIT.ok
}

async function status(d: BackfillDeps, io: Io): Promise<number> {
  const state = createStateRepository({ doc: d.clients.doc, tableName: d.names.migration, pacer: new Pacer({ concurrency: 4 }) })
  const lock = await state.readLock()
  io.stdout.write(
    lock
      ? `Running: ${lock.run_id} on ${lock.owner}, lease until ${new Date(lock.lease_until).toISOString()}\n`
      : 'No backfill is running.\n',
  )
  for (const run of await state.latestRuns(5)) {
    const p = run.progress
    io.stdout.write(
      `${run.run_id}  ${run.status.padEnd(23)} ${run.dry_run ? 'dry run ' : ''}started ${run.started_at}, updated ${run.updated_at}: ` +
        `read ${readOf(p)}, written ${num(p.written)}, ` +
        `skipped ${num(p.skipped)}, rejected ${num(p.rejected)}${run.error ? ` (${run.error})` : ''}\n`,
    )
  }
  io.stdout.write(`Users migrated lazily: ${num(await state.userMarkerCount())}\n`)
  return EXIT.ok
}

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const [command, ...args] = dropPassThroughSeparator(argv)
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(`${USAGE}\n`)
    return command ? EXIT.ok : EXIT.usage
  }
  let config: MigratorJobConfig
  try {
    config = loadMigratorJobConfig({ env: io.env })
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`f1-migrator: ${err.message}\n`)
      return EXIT.usage
    }
    throw err
  }
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'migrator-cli' } }, pino.destination(2))
  // The migrator retries throttling itself (and slows down); the SDK must not hide it.
  const clients = createDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
    maxAttempts: 1,
    requestTimeoutMs: 30_000,
  })
  const { deps, defaults } = migrationSetupOf(config)
  const d: BackfillDeps = { ...deps, clients, log }
  try {
    switch (command) {
      case 'backfill':
        return await backfill(args, defaults, d, io)
      case 'verify':
        return await verify(args, defaults, d, io)
      case 'generate':
        return await generate(args, config, d, io)
      case 'status':
        parseCliArgs(args, { options: {} })
        return await status(d, io)
      case 'stages':
        return await stagesCommand(args, config, d, io)
      case 'archive':
        return await archiveCommand(args, d, io)
      default:
        io.stderr.write(`Unknown command ${command}\n\n${USAGE}\n`)
        return EXIT.usage
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`f1-migrator: ${err.message}\n`)
      return EXIT.usage
    }
    // A refused move: its condition, and a code of its own for scripts.
    if ((err as { code?: string }).code === 'STAGE_PRECONDITION_FAILED' || (err as { code?: string }).code === 'STAGE_CHANGED_MEANWHILE') {
      io.stderr.write(`f1-migrator ${command}: ${(err as Error).message}\n`)
      return EXIT.refused
    }
    io.stderr.write(`f1-migrator ${command} failed: ${(err as Error).message}\n`)
    return EXIT.failed
  } finally {
    clients.client.destroy()
  }
}
