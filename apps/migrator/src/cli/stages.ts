// `f1-migrator stages` and `f1-migrator stages set`: the migration stages from the command line, with
// the same figures, guard rails and event as the admin API.
import { ulid } from 'ulid'
import {
  MIGRATION_KINDS,
  MIGRATION_STAGES,
  type KindStageView,
  type MigrationKind,
  type MigrationStage,
} from '@f1/contracts/migration-stages'
import { outboxEvent, outboxPut } from '@f1/events/outbox'
import { parseCliArgs, UsageError } from '@f1/service-kit/cli-args'
import type { MigratorJobConfig } from '../config.ts'
import { Pacer } from '../lib/pacer.ts'
import { changeStage, stageViews, type StageDeps } from '../migration/stages.ts'
import type { BackfillDeps } from '../migration/backfill.ts'
import { createStateRepository } from '../repositories/state/index.ts'

export const STAGES_USAGE = `  stages     Every kind's migration stage, shadow consistency, legacy reads per minute, the newest verify, the moves allowed now
             --json               the figures as JSON
  stages set KIND STAGE   Move a kind (${MIGRATION_KINDS.join(', ')}) to a stage (${MIGRATION_STAGES.join(', ')})
             --by USER_ID         the admin making the change (required: the change is logged as their action)
             --sample-rate X      share of reads compared in shadow, 0 < X <= 1 (default 0.1)`

function stageDeps(config: MigratorJobConfig, d: BackfillDeps): StageDeps {
  const state = createStateRepository({ doc: d.clients.doc, tableName: d.names.migration, pacer: new Pacer({ concurrency: 4 }) })
  return {
    doc: d.clients.doc,
    tableName: d.names.migration,
    latestVerification: () => state.latestVerification(),
    rails: {
      minComparisons: config.MIGRATION_SHADOW_MIN_COMPARISONS,
      minConsistency: config.MIGRATION_SHADOW_MIN_CONSISTENCY,
      newOnlyMinMs: config.MIGRATION_NEW_ONLY_MIN_HOURS * 3_600_000,
    },
    now: () => new Date(),
  }
}

const percent = (ratio: number | null) => (ratio === null ? '-' : `${(ratio * 100).toFixed(2)} %`)

/** One kind's line and the lines below it: what an operator reads before a move. */
export function describeKind(view: KindStageView): string {
  const reads = view.legacy_reads_per_minute.map((m) => m.reads)
  const next = Object.entries(view.next)
    .map(([stage, move]) => `${stage}: ${move.allowed ? 'allowed' : `no (${move.reason})`}`)
    .join('\n    ')
  const verify = view.verify ? `${view.verify.verification_id}, ${view.verify.missing_or_different} missing or different` : 'none finished'
  return (
    `${view.kind.padEnd(14)} ${view.stage.padEnd(9)} since ${view.changed_at ?? 'the start'}${view.changed_by ? ` by ${view.changed_by}` : ''}` +
    `${view.stage === 'shadow' ? `, sampling ${percent(view.sample_rate)}` : ''}\n` +
    `  shadow: ${view.shadow.compared} compared, consistency ${percent(view.shadow.consistency)} ` +
    `(match ${view.shadow.outcomes.match}, mismatch ${view.shadow.outcomes.mismatch}, legacy only ${view.shadow.outcomes.legacy_only}, new only ${view.shadow.outcomes.new_only})\n` +
    `  legacy reads per minute (last ${reads.length}): ${reads.join(' ')}\n` +
    `  verify: ${verify}\n` +
    view.shadow.mismatch_samples.map((s) => `  mismatch ${s.at} ${s.user_id}: ${JSON.stringify(s.diff)}\n`).join('') +
    `  next:\n    ${next}\n`
  )
}

export async function stagesCommand(args: string[], config: MigratorJobConfig, d: BackfillDeps, io: { stdout: NodeJS.WritableStream }) {
  const { values, positionals } = parseCliArgs(args, {
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, by: { type: 'string' }, 'sample-rate': { type: 'string' } },
  })
  const deps = stageDeps(config, d)
  if (positionals.length === 0) {
    const views = await stageViews(deps)
    io.stdout.write(values.json ? `${JSON.stringify({ kinds: views })}\n` : views.map(describeKind).join('\n'))
    return 0
  }
  const [verb, kind, stage, ...extra] = positionals
  if (verb !== 'set' || extra.length > 0) throw new UsageError('stages takes no argument, or: set KIND STAGE')
  if (!(MIGRATION_KINDS as readonly string[]).includes(kind ?? ''))
    throw new UsageError(`KIND must be one of ${MIGRATION_KINDS.join(', ')}`)
  if (!(MIGRATION_STAGES as readonly string[]).includes(stage ?? ''))
    throw new UsageError(`STAGE must be one of ${MIGRATION_STAGES.join(', ')}`)
  const by = values.by
  if (!by || !/^[A-Za-z0-9_.:-]{1,128}$/.test(by)) throw new UsageError('--by USER_ID is required: the admin making the change')
  const rate = values['sample-rate'] === undefined ? undefined : Number(values['sample-rate'])
  if (rate !== undefined && !(rate > 0 && rate <= 1)) throw new UsageError('--sample-rate must be a number above 0 and at most 1')
  const requestId = `cli-${ulid()}`
  const view = await changeStage(
    deps,
    { kind: kind as MigrationKind, stage: stage as MigrationStage, sampleRate: rate, by, requestId },
    (previous, sampleRate) =>
      outboxPut(
        d.names.migration,
        outboxEvent(
          'migration',
          'MigrationStageChanged',
          { userId: by, correlationId: requestId },
          {
            kind: kind as MigrationKind,
            stage: stage as MigrationStage,
            previous_stage: previous,
            sample_rate: sampleRate,
          },
        ),
      ),
  )
  io.stdout.write(describeKind(view))
  return 0
}
