// Moving a kind of data between migration stages, with the guard rails that make each forward move
// safe and every step back possible: to `new-only` only after a verify found nothing missing or
// different for the kind and the shadow reads agreed often enough; to `retired` only after a while in
// `new-only`. The figures an operator decides on are computed here too, for GET and the CLI.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  DEFAULT_SHADOW_SAMPLE_RATE,
  isForward,
  MIGRATION_KINDS,
  type KindStageView,
  type MigrationKind,
  type MigrationStage,
} from '@f1/contracts/migration-stages'
import { minuteOf, readShadowFigures, readStages, stagePut, type KindStage } from '@f1/tables/migration-stages'
import { StageChangedMeanwhileError, stagePreconditionFailed } from '../errors.ts'
import type { VerificationRecord } from '../repositories/state/verifications.ts'

export interface GuardRails {
  /** Shadow comparisons needed before new-only (the newest ones count). */
  minComparisons: number
  /** Share of those comparisons that must match. */
  minConsistency: number
  /** Time in new-only before retired. */
  newOnlyMinMs: number
}

export interface StageDeps {
  doc: DynamoDBDocumentClient
  tableName: string
  latestVerification(): Promise<VerificationRecord | undefined>
  rails: GuardRails
  now: () => Date
}

/** How far back the consistency window and the figures look: a day of minutes, one query. */
const LOOKBACK_MINUTES = 24 * 60
/** Minutes of legacy reads shown: the trend the operator waits to fall to zero. */
const READ_TREND_MINUTES = 15
const SAMPLES_SHOWN = 10

type Refusal = { allowed: false; reason: string }
type Move = { allowed: true } | Refusal

function verifyOf(record: VerificationRecord | undefined, kind: MigrationKind): KindStageView['verify'] {
  if (record?.status !== 'done' || !record.report || !record.finished_at) return null
  // Each expected row of the kind is matching, kept (written by live traffic since), missing or different.
  const counts = record.report.tables[kind]
  return {
    verification_id: record.verification_id,
    finished_at: record.finished_at,
    missing_or_different: counts.expected - counts.matching - counts.kept_live,
  }
}

async function figuresOf(deps: StageDeps, kind: MigrationKind) {
  const now = deps.now()
  const { minutes, samples } = await readShadowFigures(deps.doc, deps.tableName, kind, {
    minutes: LOOKBACK_MINUTES,
    sampleCount: SAMPLES_SHOWN,
    now,
  })
  // The newest minutes first, until the window holds the comparisons the guard needs.
  const outcomes = { match: 0, mismatch: 0, legacy_only: 0, new_only: 0 }
  let compared = 0
  for (const minute of minutes) {
    if (compared >= deps.rails.minComparisons) break
    for (const key of Object.keys(outcomes) as Array<keyof typeof outcomes>) outcomes[key] += minute[key]
    compared += minute.match + minute.mismatch + minute.legacy_only + minute.new_only
  }
  const reads = new Map(minutes.map((m) => [m.minute, m.legacy_reads]))
  const trend = Array.from({ length: READ_TREND_MINUTES }, (_, i) => {
    const minute = minuteOf(new Date(now.getTime() - (READ_TREND_MINUTES - 1 - i) * 60_000))
    return { minute, reads: reads.get(minute) ?? 0 }
  })
  return {
    shadow: {
      compared,
      outcomes,
      consistency: compared === 0 ? null : outcomes.match / compared,
      mismatch_samples: samples.map((s) => ({ at: s.at, user_id: s.userId, diff: s.diff })),
    },
    legacy_reads_per_minute: trend,
  }
}

type Figures = Awaited<ReturnType<typeof figuresOf>> & { verify: KindStageView['verify'] }

function newOnlyMove(deps: StageDeps, figures: Figures): Move {
  const { rails } = deps
  if (!figures.verify) return { allowed: false, reason: 'no finished verify: run one (POST /verifications) and wait for it to end' }
  if (figures.verify.missing_or_different > 0) {
    return {
      allowed: false,
      reason: `the newest verify (${figures.verify.verification_id}) found ${figures.verify.missing_or_different} rows of this kind missing or different: backfill, then verify again`,
    }
  }
  const { compared, consistency } = figures.shadow
  if (compared < rails.minComparisons) {
    return {
      allowed: false,
      reason: `${compared} shadow comparisons recorded, ${rails.minComparisons} needed: stay in shadow longer or raise its sample rate`,
    }
  }
  if ((consistency ?? 0) < rails.minConsistency) {
    return {
      allowed: false,
      reason: `shadow consistency ${(consistency ?? 0).toFixed(4)} over the last ${compared} comparisons is below ${rails.minConsistency}: see the mismatch samples`,
    }
  }
  return { allowed: true }
}

function movesFrom(deps: StageDeps, current: KindStage, figures: Figures): KindStageView['next'] {
  const toNewOnly = newOnlyMove(deps, figures)
  const sinceChange = current.changedAt === null ? 0 : deps.now().getTime() - Date.parse(current.changedAt)
  const retired: Move =
    current.stage === 'retired'
      ? { allowed: false, reason: 'already retired' }
      : current.stage !== 'new-only'
        ? { allowed: false, reason: 'only from new-only: legacy must not be read for this kind first' }
        : sinceChange < deps.rails.newOnlyMinMs
          ? {
              allowed: false,
              reason: `in new-only for ${Math.floor(sinceChange / 3_600_000)} h, ${Math.ceil(deps.rails.newOnlyMinMs / 3_600_000)} h needed`,
            }
          : { allowed: true }
  return {
    shadow: current.stage === 'fallback' ? { allowed: true } : { allowed: false, reason: `not forward from ${current.stage}` },
    'new-only':
      current.stage === 'fallback' || current.stage === 'shadow'
        ? toNewOnly
        : { allowed: false, reason: `not forward from ${current.stage}` },
    retired,
  }
}

function viewOf(deps: StageDeps, current: KindStage, figures: Figures): KindStageView {
  return {
    kind: current.kind,
    stage: current.stage,
    sample_rate: current.shadowSampleRate,
    changed_at: current.changedAt,
    changed_by: current.changedBy,
    seconds_in_stage:
      current.changedAt === null ? null : Math.max(0, Math.floor((deps.now().getTime() - Date.parse(current.changedAt)) / 1000)),
    ...figures,
    next: movesFrom(deps, current, figures),
  }
}

/** Every kind's stage and figures, and whether each forward move would be accepted now. */
export async function stageViews(deps: StageDeps): Promise<KindStageView[]> {
  const [stages, latest] = await Promise.all([readStages(deps.doc, deps.tableName), deps.latestVerification()])
  return Promise.all(
    MIGRATION_KINDS.map(async (kind) => viewOf(deps, stages[kind], { ...(await figuresOf(deps, kind)), verify: verifyOf(latest, kind) })),
  )
}

export interface StageChange {
  kind: MigrationKind
  stage: MigrationStage
  sampleRate?: number | undefined
  /** Who asks: the admin's user id (the event's and the action's user). */
  by: string
  /** The request (or CLI run) that asked, for the event's correlation id. */
  requestId: string
}

/**
 * Moves a kind to `change.stage`: a forward move only when its guard rail holds (409
 * STAGE_PRECONDITION_FAILED naming the unmet condition), a step back always. The stage and its
 * Migration Stage Changed event are written in one transaction, over the version read.
 */
export async function changeStage(
  deps: StageDeps,
  change: StageChange,
  outboxEvent: (previous: MigrationStage, sampleRate: number) => Record<string, unknown>,
): Promise<KindStageView> {
  const current = (await readStages(deps.doc, deps.tableName))[change.kind]
  if (isForward(current.stage, change.stage)) {
    const figures = { ...(await figuresOf(deps, change.kind)), verify: verifyOf(await deps.latestVerification(), change.kind) }
    const move = movesFrom(deps, current, figures)[change.stage as 'shadow' | 'new-only' | 'retired']
    if (!move.allowed) throw stagePreconditionFailed(change.kind, change.stage, move.reason ?? 'not allowed')
  }
  const sampleRate = change.sampleRate ?? (current.stage === 'shadow' ? current.shadowSampleRate : DEFAULT_SHADOW_SAMPLE_RATE)
  try {
    await deps.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          stagePut(deps.tableName, current, { stage: change.stage, sampleRate, at: deps.now().toISOString(), by: change.by }),
          outboxEvent(current.stage, sampleRate),
        ],
      }),
    )
  } catch (err) {
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
      throw new StageChangedMeanwhileError(change.kind)
    }
    throw err
  }
  const after = (await readStages(deps.doc, deps.tableName))[change.kind]
  return viewOf(deps, after, { ...(await figuresOf(deps, change.kind)), verify: verifyOf(await deps.latestVerification(), change.kind) })
}
