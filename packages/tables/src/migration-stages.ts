// The migration stage of each kind of data, and the shadow figures that decide when a kind may stop
// reading legacy, in the migration state table. Services read the stages through a short cache (a
// change reaches every process within the cache's life, no deploy), and count their legacy reads and
// shadow comparisons in memory, adding them to per-minute items every few seconds: one write per kind
// and minute per process, whatever the traffic.
import { randomBytes } from 'node:crypto'
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import Type from 'typebox'
import {
  DEFAULT_SHADOW_SAMPLE_RATE,
  MIGRATION_KINDS,
  SHADOW_OUTCOMES,
  type MigrationKind,
  type MigrationStage,
  type ShadowOutcome,
} from '@f1/contracts/migration-stages'

/** The partition of the stage items, one per kind (sort key: the kind). */
export const STAGES_PARTITION = 'migration-stage'
const countsPartition = (kind: MigrationKind) => `shadow#${kind}`
const samplesPartition = (kind: MigrationKind) => `shadow-sample#${kind}`
/** Figures are kept a week: the consistency window and the legacy read trend look back hours at most. */
const FIGURES_TTL_S = 7 * 86_400
/** Mismatch samples a process writes per kind and flush: enough to see what differs, never a flood. */
const SAMPLES_PER_FLUSH = 5
/** A stored sample's diff is at most about this long (JSON): a simulation's results may differ in kilobytes. */
const SAMPLE_DIFF_CHARS = 2_000
const SAMPLE_DIFF_FIELDS = 20

/** The setting of every app that follows the stages (its config spreads it). */
export const MigrationStageConfigProperties = {
  MIGRATION_STAGE_CACHE_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 15_000,
    description: 'How long a read migration stage is used: a stage change reaches every instance within it',
  }),
}

export interface KindStage {
  kind: MigrationKind
  stage: MigrationStage
  /** Share of reads compared with legacy while in `shadow`, 0..1. */
  shadowSampleRate: number
  /** When the stage was last changed (ISO), null when never set (the default `fallback`). */
  changedAt: string | null
  changedBy: string | null
  /** Bumped by every change: a change is written only over the version it read. */
  version: number
}

export const defaultStage = (kind: MigrationKind): KindStage => ({
  kind,
  stage: 'fallback',
  shadowSampleRate: DEFAULT_SHADOW_SAMPLE_RATE,
  changedAt: null,
  changedBy: null,
  version: 0,
})

function fromItem(kind: MigrationKind, item: Record<string, unknown> | undefined): KindStage {
  if (!item) return defaultStage(kind)
  return {
    kind,
    stage: item.stage as MigrationStage,
    shadowSampleRate: Number(item.sample_rate ?? DEFAULT_SHADOW_SAMPLE_RATE),
    changedAt: typeof item.changed_at === 'string' ? item.changed_at : null,
    changedBy: typeof item.changed_by === 'string' ? item.changed_by : null,
    version: Number(item.version ?? 0),
  }
}

/** Every kind's stage as stored now (one query; a kind never set is fallback). */
export async function readStages(doc: DynamoDBDocumentClient, tableName: string): Promise<Record<MigrationKind, KindStage>> {
  const res = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': STAGES_PARTITION },
      ConsistentRead: true,
    }),
  )
  const items = new Map((res.Items ?? []).map((item) => [String(item.sk), item]))
  return Object.fromEntries(MIGRATION_KINDS.map((kind) => [kind, fromItem(kind, items.get(kind))])) as Record<MigrationKind, KindStage>
}

/**
 * The Put of a stage change, for a transaction with its outbox event: it holds only if the stored
 * version is still `current.version` (two operators at once: one wins).
 */
export function stagePut(
  tableName: string,
  current: KindStage,
  next: { stage: MigrationStage; sampleRate: number; at: string; by: string },
) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: STAGES_PARTITION,
        sk: current.kind,
        stage: next.stage,
        sample_rate: next.sampleRate,
        changed_at: next.at,
        changed_by: next.by,
        version: current.version + 1,
      },
      ConditionExpression: current.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(current.version === 0 ? {} : { ExpressionAttributeValues: { ':v': current.version } }),
    },
  }
}

export interface StageReader {
  /** The kind's stage from a cache refreshed at most every ttlMs; never throws (a failed refresh keeps the last value). */
  get(kind: MigrationKind): Promise<KindStage>
}

export function createStageReader(options: {
  doc: DynamoDBDocumentClient
  tableName: string
  /** How long a read stage is used: a change reaches this process within it. */
  ttlMs?: number
  now?: () => number
  onError?: (err: unknown) => void
}): StageReader {
  const ttlMs = options.ttlMs ?? 15_000
  const now = options.now ?? Date.now
  let known: Record<MigrationKind, KindStage> | undefined
  let readAt = -Infinity
  let refreshing: Promise<void> | undefined
  const refresh = () =>
    (refreshing ??= readStages(options.doc, options.tableName)
      .then((stages) => {
        known = stages
        readAt = now()
      })
      .catch((err: unknown) => {
        // The last known stages stay (or fallback, before any read): a stage table that does not answer
        // must not fail the reads it steers. The next get tries again.
        options.onError?.(err)
      })
      .finally(() => (refreshing = undefined)))
  return {
    async get(kind) {
      if (now() - readAt >= ttlMs) await refresh()
      return known?.[kind] ?? defaultStage(kind)
    },
  }
}

/**
 * The diff as stored: whole when short, otherwise its first fields with each value cut to a preview
 * string. Cutting the JSON text itself would store a sample no reader could parse.
 */
function boundedDiff(diff: MismatchSample['diff']): MismatchSample['diff'] {
  if (JSON.stringify(diff).length <= SAMPLE_DIFF_CHARS) return diff
  const fields = Object.entries(diff).slice(0, SAMPLE_DIFF_FIELDS)
  const room = Math.floor(SAMPLE_DIFF_CHARS / (fields.length * 2))
  const preview = (value: unknown) => {
    const text = JSON.stringify(value) ?? String(value)
    return text.length <= room ? value : `${text.slice(0, room)}…`
  }
  return Object.fromEntries(fields.map(([field, { legacy, new: now }]) => [field, { legacy: preview(legacy), new: preview(now) }]))
}

/** A stored diff as the figures answer it; an item that is not JSON (written by hand) says so instead of failing the read. */
function storedDiff(text: unknown): MismatchSample['diff'] {
  try {
    const parsed: unknown = JSON.parse(String(text))
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as MismatchSample['diff']
  } catch {
    // answered below
  }
  return { unreadable_sample: { legacy: null, new: String(text).slice(0, 200) } }
}

/** true with probability `rate` (0..1). */
export const sampled = (rate: number, random: () => number = Math.random): boolean => rate > 0 && random() < rate

export interface MismatchSample {
  userId: string
  diff: Record<string, { legacy: unknown; new: unknown }>
}

export interface ShadowRecorder {
  /** Counts reads of the legacy table for `kind` (fallback misses, shadow reads, lazy migration reads). */
  legacyRead(kind: MigrationKind, count?: number): void
  /** Counts one shadow comparison; a mismatch may carry a sample of what differs. */
  compared(kind: MigrationKind, outcome: ShadowOutcome, sample?: MismatchSample): void
  /** Adds the buffered counts to their minute's item (and writes the samples). Never throws. */
  flush(): Promise<void>
  /** Stops the periodic flush and flushes once more. */
  close(): Promise<void>
}

type Counts = Record<ShadowOutcome | 'legacy_reads', number>
const emptyCounts = (): Counts => ({ match: 0, mismatch: 0, legacy_only: 0, new_only: 0, legacy_reads: 0 })

/** `2026-12-02T19:55`: the sort key of a minute's counts. */
export const minuteOf = (at: Date): string => at.toISOString().slice(0, 16)

export function createShadowRecorder(options: {
  doc: DynamoDBDocumentClient
  tableName: string
  flushEveryMs?: number
  now?: () => Date
  onError?: (err: unknown) => void
}): ShadowRecorder {
  const now = options.now ?? (() => new Date())
  // Buffered by kind and minute, so a flush late by a minute still lands each count in its minute.
  let counts = new Map<string, { kind: MigrationKind; minute: string; counts: Counts }>()
  let samples: Array<{ kind: MigrationKind; at: Date; sample: MismatchSample }> = []
  const keyOf = (kind: MigrationKind, minute: string) => `${kind} ${minute}`
  const bucket = (kind: MigrationKind) => {
    const minute = minuteOf(now())
    const key = keyOf(kind, minute)
    let entry = counts.get(key)
    if (!entry) counts.set(key, (entry = { kind, minute, counts: emptyCounts() }))
    return entry.counts
  }

  const keepForNextFlush = (entry: { kind: MigrationKind; minute: string; counts: Counts }) => {
    const kept = counts.get(keyOf(entry.kind, entry.minute))
    if (kept) {
      for (const field of Object.keys(kept.counts) as Array<keyof Counts>) kept.counts[field] += entry.counts[field]
      return
    }
    // A table down for hours must not grow this without bound: an hour of minutes per kind is kept.
    if (counts.size < MIGRATION_KINDS.length * 60) counts.set(keyOf(entry.kind, entry.minute), entry)
  }

  async function flush(): Promise<void> {
    const pending = [...counts.values()]
    const pendingSamples = samples
    counts = new Map()
    samples = []
    const expiresAt = Math.floor(now().getTime() / 1000) + FIGURES_TTL_S
    const writes: Array<Promise<unknown>> = pending.map((entry) => {
      const { kind, minute, counts: c } = entry
      const fields = (Object.keys(c) as Array<keyof Counts>).filter((field) => c[field] > 0)
      if (fields.length === 0) return Promise.resolve()
      return options.doc
        .send(
          new UpdateCommand({
            TableName: options.tableName,
            Key: { pk: countsPartition(kind), sk: minute },
            UpdateExpression: `ADD ${fields.map((f) => `#${f} :${f}`).join(', ')} SET expires_at = :exp`,
            ExpressionAttributeNames: Object.fromEntries(fields.map((f) => [`#${f}`, f])),
            ExpressionAttributeValues: { ...Object.fromEntries(fields.map((f) => [`:${f}`, c[f]])), ':exp': expiresAt },
          }),
        )
        .catch((err: unknown) => {
          // The counts wait for the next flush rather than being lost. ADD is not idempotent: a write
          // that timed out yet applied is then counted twice, a rare overcount the figures can bear.
          keepForNextFlush(entry)
          throw err
        })
    })
    const perKind = new Map<MigrationKind, number>()
    for (const { kind, at, sample } of pendingSamples) {
      const written = perKind.get(kind) ?? 0
      if (written >= SAMPLES_PER_FLUSH) continue
      perKind.set(kind, written + 1)
      writes.push(
        options.doc
          .send(
            new PutCommand({
              TableName: options.tableName,
              Item: {
                pk: samplesPartition(kind),
                sk: `${at.toISOString()}#${randomBytes(4).toString('hex')}`,
                user_id: sample.userId,
                diff: JSON.stringify(boundedDiff(sample.diff)),
                expires_at: expiresAt,
              },
            }),
          )
          .then(() => undefined),
      )
    }
    const results = await Promise.allSettled(writes)
    for (const result of results) if (result.status === 'rejected') options.onError?.(result.reason)
  }

  const timer = setInterval(() => void flush(), options.flushEveryMs ?? 5_000)
  timer.unref()
  return {
    legacyRead(kind, count = 1) {
      bucket(kind).legacy_reads += count
    },
    compared(kind, outcome, sample) {
      bucket(kind)[outcome] += 1
      if (outcome === 'mismatch' && sample && samples.length < SAMPLES_PER_FLUSH * MIGRATION_KINDS.length) {
        samples.push({ kind, at: now(), sample })
      }
    },
    flush,
    async close() {
      clearInterval(timer)
      await flush()
    },
  }
}

export interface ShadowFigures {
  /** The newest minutes' counts, newest first, back to `minutes` ago. */
  minutes: Array<{ minute: string } & Counts>
  samples: Array<{ at: string; userId: string; diff: MismatchSample['diff'] }>
}

/** The kind's counts of the last `minutes` minutes and its newest `sampleCount` mismatch samples. */
export async function readShadowFigures(
  doc: DynamoDBDocumentClient,
  tableName: string,
  kind: MigrationKind,
  options: { minutes: number; sampleCount: number; now?: Date },
): Promise<ShadowFigures> {
  const from = minuteOf(new Date((options.now ?? new Date()).getTime() - options.minutes * 60_000))
  const minutes: ShadowFigures['minutes'] = []
  let startKey: Record<string, unknown> | undefined
  do {
    const res = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': countsPartition(kind), ':from': from },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
      }),
    )
    for (const item of res.Items ?? []) {
      const c = emptyCounts()
      for (const field of [...SHADOW_OUTCOMES, 'legacy_reads'] as const) c[field] = Number(item[field] ?? 0)
      minutes.push({ minute: String(item.sk), ...c })
    }
    startKey = res.LastEvaluatedKey
  } while (startKey)
  if (options.sampleCount === 0) return { minutes, samples: [] }
  const sampleRes = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': samplesPartition(kind) },
      ScanIndexForward: false,
      Limit: options.sampleCount,
    }),
  )
  const samples = (sampleRes.Items ?? []).map((item) => ({
    at: String(item.sk).split('#')[0]!,
    userId: String(item.user_id),
    diff: storedDiff(item.diff),
  }))
  return { minutes, samples }
}
