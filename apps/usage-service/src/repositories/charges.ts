// Charges: the record of what one unit of metered work consumed, kept next to the counters it
// moved, so that a refund can give back exactly that and nothing more. The state machine (held ->
// committed | refunded; void for a refund that came first) is described in the README.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import type { FeatureName } from '@f1/contracts/common'
import type { Charge, ChargeLine, ChargeStatus, CommitLine } from '@f1/contracts/usage'
import { DynamoDbContentionError, rethrowDynamoError } from '@f1/tables/errors'
import { cancellationReasons, transactWrite, updateOnceWithMarker } from '@f1/tables/transactions'
import { indexName } from '@f1/tables'
import { chargeKey as chargeSortKey, featureDateKey, heldShardKey, utcDay } from '@f1/tables/keys'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import {
  ChargeCommittedError,
  ChargeExpiredError,
  ChargeIdReusedError,
  ChargeNotFoundError,
  ChargeRefundedError,
  CommitMismatchError,
  DuplicateFeatureError,
  InvalidCommitError,
} from '../errors.ts'
import { consumeUpdate, dayExpiry, quotaExceeded, type CounterRow } from './usage.ts'

/** Held charges spread over this many GSI partitions (the sweeper reads them all). */
export const HELD_SHARDS = 8
/** A refund before the charge is kept this long, so a late create with the id is refused. */
const VOID_TTL_S = 2 * 86_400
const MAX_ATTEMPTS = 8

const HELD_INDEX = indexName('usage', 'held-charges-index')

interface ChargeLineItem {
  feature: FeatureName
  amount: number
  date: string
}

interface ChargeItem {
  user_id: string
  feature_date_key: string
  charge_id: string
  status: ChargeStatus
  lines: ChargeLineItem[]
  held_until?: number
  held_shard?: string
  created_at: string
  settled_at?: string
  expires_at: number
  /** After a partial commit: what was committed, per line (amount 0 allowed), and what was given back. */
  committed_lines?: ChargeLineItem[]
  returned_lines?: ChargeLineItem[]
}

export interface ChargeResult {
  charge: Charge
  /** True when the charge was already in the state asked for (a retry). */
  replayed: boolean
}

const chargeKey = (userId: string, chargeId: string) => ({ user_id: userId, feature_date_key: chargeSortKey(chargeId) })

function shardOf(chargeId: string): string {
  let hash = 0
  for (let i = 0; i < chargeId.length; i++) hash = (hash * 31 + chargeId.charCodeAt(i)) >>> 0
  return heldShardKey(hash % HELD_SHARDS)
}

function toCharge(item: ChargeItem): Charge {
  return {
    charge_id: item.charge_id,
    status: item.status,
    lines: item.lines.map(({ feature, amount, date }) => ({ feature, amount, date })),
    held_until: item.status === 'held' && item.held_until !== undefined ? new Date(item.held_until).toISOString() : null,
    created_at: item.created_at,
    settled_at: item.settled_at ?? null,
    ...(item.committed_lines
      ? { committed_lines: item.committed_lines.map(({ feature, amount, date }) => ({ feature, amount, date })) }
      : {}),
    ...(item.returned_lines ? { returned_lines: item.returned_lines.map(({ feature, amount, date }) => ({ feature, amount, date })) } : {}),
  }
}

/** What a committed charge kept: its committed lines after a partial commit, else all its lines. */
function committedOf(item: ChargeItem): ChargeLineItem[] {
  return item.committed_lines ?? item.lines
}

/**
 * The lines a partial commit keeps, checked against the held lines: every held feature once, each
 * at most its held amount. Throws InvalidCommitError otherwise (nothing is written).
 */
function commitLines(chargeId: string, held: readonly ChargeLineItem[], asked: readonly CommitLine[]): ChargeLineItem[] {
  const byFeature = new Map(asked.map((l) => [l.feature, l.amount]))
  if (byFeature.size !== asked.length) throw new InvalidCommitError(chargeId, 'lines names a feature twice')
  for (const l of asked) {
    if (!held.some((h) => h.feature === l.feature)) throw new InvalidCommitError(chargeId, `${l.feature} was not charged`)
  }
  return held.map((h) => {
    const amount = byFeature.get(h.feature)
    if (amount === undefined) throw new InvalidCommitError(chargeId, `lines must name ${h.feature} (every charged feature)`)
    if (amount > h.amount) throw new InvalidCommitError(chargeId, `${h.feature}: ${amount} is more than the ${h.amount} held`)
    return { ...h, amount }
  })
}

/** True when two charges ask for the same features and amounts (a retry, not a reuse of the id). */
function sameLines(stored: readonly ChargeLineItem[], asked: readonly ChargeLine[]): boolean {
  const key = (lines: ReadonlyArray<{ feature: string; amount: number }>) =>
    lines
      .map((l) => `${l.feature}:${l.amount}`)
      .sort()
      .join(',')
  return key(stored) === key(asked)
}

export interface ChargesRepositoryOptions {
  doc: DynamoDBDocumentClient
  tableName: string
  retentionDays: number
}

export function createChargesRepository(options: ChargesRepositoryOptions) {
  const { doc, tableName, retentionDays } = options

  async function getItem(userId: string, chargeId: string): Promise<ChargeItem | undefined> {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: chargeKey(userId, chargeId), ConsistentRead: true }))
    return res.Item as ChargeItem | undefined
  }

  /** A held charge's lease is extended for a retry of its work (never shortened). */
  async function extendHold(userId: string, item: ChargeItem, heldUntil: number): Promise<ChargeItem> {
    if ((item.held_until ?? 0) >= heldUntil) return item
    try {
      const res = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: chargeKey(userId, item.charge_id),
          UpdateExpression: 'SET held_until = :until',
          ConditionExpression: '#status = :held AND held_until < :until',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':held': 'held', ':until': heldUntil },
          ReturnValues: 'ALL_NEW',
        }),
      )
      return res.Attributes as ChargeItem
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return (await getItem(userId, item.charge_id)) ?? item
      throw err
    }
  }

  /** The counter updates that give a charge's lines back; a line whose counter went lower gives back what is left. */
  function refundUpdates(userId: string, lines: readonly ChargeLineItem[], seen: Map<number, number | undefined>) {
    const updates: Array<{ line: number; update: UpdateCommandInput & { UpdateExpression: string } }> = []
    for (const [i, line] of lines.entries()) {
      const Key = { user_id: userId, feature_date_key: featureDateKey(line.feature, line.date) }
      if (!seen.has(i)) {
        updates.push({
          line: i,
          update: {
            TableName: tableName,
            Key,
            UpdateExpression: 'ADD usage_count :minus',
            ConditionExpression: 'usage_count >= :amount',
            ExpressionAttributeValues: { ':minus': -line.amount, ':amount': line.amount },
          },
        })
        continue
      }
      const count = seen.get(i)
      // The counter expired (TTL) or holds less than the line (it cannot be taken below zero): give back what is there.
      if (count === undefined || count <= 0) continue
      updates.push({
        line: i,
        update: {
          TableName: tableName,
          Key,
          UpdateExpression: 'SET usage_count = :zero',
          ConditionExpression: 'usage_count = :seen',
          ExpressionAttributeValues: { ':zero': 0, ':seen': count },
        },
      })
    }
    return updates
  }

  /** A commit of the whole charge (commitCharge without lines). */
  async function commitWhole(input: { userId: string; chargeId: string; now: Date }): Promise<ChargeResult> {
    try {
      const res = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: chargeKey(input.userId, input.chargeId),
          UpdateExpression: 'SET #status = :committed, settled_at = :now REMOVE held_until, held_shard',
          // Past its hold the sweeper may be refunding it this instant: a late commit loses that race by rule.
          ConditionExpression: '#status = :held AND held_until > :nowMs',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':committed': 'committed',
            ':held': 'held',
            ':now': input.now.toISOString(),
            ':nowMs': input.now.getTime(),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      return { charge: toCharge(res.Attributes as ChargeItem), replayed: false }
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        const stored = err.Item ? (unmarshall(err.Item) as ChargeItem) : undefined
        if (!stored) throw new ChargeNotFoundError(input.chargeId)
        if (stored.status === 'committed') {
          if (stored.committed_lines) throw new CommitMismatchError(input.chargeId)
          return { charge: toCharge(stored), replayed: true }
        }
        if (stored.status === 'held') throw new ChargeExpiredError(input.chargeId)
        throw new ChargeRefundedError(input.chargeId)
      }
      rethrowDynamoError(err)
    }
  }

  /** The partial commit (commitCharge with lines): commits part, gives the rest back, in one transaction. */
  async function commitPart(input: { userId: string; chargeId: string; now: Date; lines: CommitLine[] }): Promise<ChargeResult> {
    try {
      const seen = new Map<number, number | undefined>()
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const stored = await getItem(input.userId, input.chargeId)
        if (!stored || stored.status === 'void') {
          if (!stored) throw new ChargeNotFoundError(input.chargeId)
          throw new ChargeRefundedError(input.chargeId)
        }
        if (stored.status === 'refunded') throw new ChargeRefundedError(input.chargeId)
        const kept = commitLines(input.chargeId, stored.lines, input.lines)
        if (stored.status === 'committed') {
          const same = committedOf(stored).every((l) => kept.find((k) => k.feature === l.feature)?.amount === l.amount)
          if (!same) throw new CommitMismatchError(input.chargeId)
          return { charge: toCharge(stored), replayed: true }
        }
        if ((stored.held_until ?? 0) <= input.now.getTime()) throw new ChargeExpiredError(input.chargeId)
        const returned = stored.lines.map((l, i) => ({ ...l, amount: l.amount - kept[i]!.amount })).filter((l) => l.amount > 0)
        // Every unit kept: a full commit, recorded as one.
        if (returned.length === 0) return await commitWhole(input)
        const updates = refundUpdates(input.userId, returned, seen)
        const settledAt = input.now.toISOString()
        try {
          await transactWrite(doc, {
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: chargeKey(input.userId, input.chargeId),
                  UpdateExpression:
                    'SET #status = :committed, settled_at = :now, committed_lines = :kept, returned_lines = :returned REMOVE held_until, held_shard',
                  // The same race with the sweeper (and with refunders) as a full commit: decided here.
                  ConditionExpression: '#status = :held AND held_until > :nowMs',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':committed': 'committed',
                    ':held': 'held',
                    ':now': settledAt,
                    ':nowMs': input.now.getTime(),
                    ':kept': kept,
                    ':returned': returned,
                  },
                },
              },
              ...updates.map(({ update }) => ({ Update: { ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } })),
            ],
          })
          const { held_until: _until, held_shard: _shard, ...rest } = stored
          const committed: ChargeItem = {
            ...rest,
            status: 'committed',
            settled_at: settledAt,
            committed_lines: kept,
            returned_lines: returned,
          }
          return { charge: toCharge(committed), replayed: false }
        } catch (err) {
          const reasons = cancellationReasons(err)
          if (!reasons) throw err
          // The charge changed under us (committed, refunded, or its hold ran out): read it again and decide anew.
          if (reasons[0]?.Code === 'ConditionalCheckFailed') continue
          // A counter held less than what is given back: give back what it holds (never below zero).
          for (const [k, { line }] of updates.entries()) {
            const reason = reasons[k + 1]
            if (reason?.Code !== 'ConditionalCheckFailed') continue
            seen.set(line, reason.Item ? (unmarshall(reason.Item) as CounterRow).usage_count : undefined)
          }
        }
      }
      throw new DynamoDbContentionError()
    } catch (err) {
      rethrowDynamoError(err)
    }
  }

  return {
    /**
     * Counts every line against its limit and records the charge, in one transaction: all lines
     * or none. With `holdMs` the charge is held (its work must commit it in time), otherwise it is
     * committed at once. The same id again is a retry: nothing is counted twice.
     */
    async createCharge(input: {
      userId: string
      chargeId: string
      lines: ChargeLine[]
      holdMs?: number | undefined
      now: Date
    }): Promise<ChargeResult> {
      const features = input.lines.map((l) => l.feature)
      if (new Set(features).size !== features.length) throw new DuplicateFeatureError()
      const day = utcDay(input.now)
      const heldUntil = input.holdMs === undefined ? undefined : input.now.getTime() + input.holdMs
      const item: ChargeItem = {
        ...chargeKey(input.userId, input.chargeId),
        charge_id: input.chargeId,
        status: heldUntil === undefined ? 'committed' : 'held',
        lines: input.lines.map((l) => ({ feature: l.feature, amount: l.amount, date: day })),
        created_at: input.now.toISOString(),
        expires_at: dayExpiry(day, retentionDays),
        ...(heldUntil === undefined
          ? { settled_at: input.now.toISOString() }
          : { held_until: heldUntil, held_shard: shardOf(input.chargeId) }),
      }
      try {
        const tooBig = input.lines.find((l) => l.amount > l.limit)
        if (tooBig) throw quotaExceeded({ ...tooBig, now: input.now }, day, undefined)
        const outcome = await updateOnceWithMarker(
          doc,
          { TableName: tableName, Item: item as unknown as Record<string, unknown>, keyAttribute: 'feature_date_key' },
          input.lines.map((line) => consumeUpdate(tableName, { userId: input.userId, ...line, day, retentionDays })),
        )
        if (outcome.status === 'applied') return { charge: toCharge(item), replayed: false }
        if (outcome.status === 'condition_failed') {
          const line = input.lines[outcome.index]!
          throw quotaExceeded({ ...line, now: input.now }, day, outcome.item)
        }
        const stored = outcome.marker as unknown as ChargeItem
        if (stored.status === 'refunded' || stored.status === 'void') throw new ChargeRefundedError(input.chargeId)
        if (!sameLines(stored.lines, input.lines)) throw new ChargeIdReusedError(input.chargeId)
        const current = stored.status === 'held' && heldUntil !== undefined ? await extendHold(input.userId, stored, heldUntil) : stored
        return { charge: toCharge(current), replayed: true }
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /**
     * Makes a held charge final: its work's result is stored. Refused once refunded or past its hold.
     * With `lines`, a partial commit: each held line keeps the amount named (at most its own) and the
     * rest is given back in the same transaction that commits, so it happens once. Again with the
     * same amounts: a replay; with others: 409.
     */
    async commitCharge(input: { userId: string; chargeId: string; now: Date; lines?: CommitLine[] | undefined }): Promise<ChargeResult> {
      if (input.lines !== undefined) return commitPart({ ...input, lines: input.lines })
      return commitWhole(input)
    },

    /**
     * Gives back exactly what a held charge counted and marks it refunded, in one transaction, so
     * it can happen once only. A committed charge is never refunded. An unknown id is recorded as
     * void, so the charge can no longer be made (a create that was slower than its refund).
     */
    async refundCharge(input: { userId: string; chargeId: string; now: Date }): Promise<ChargeResult> {
      try {
        const seen = new Map<number, number | undefined>()
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          const stored = await getItem(input.userId, input.chargeId)
          if (!stored) {
            const voided: ChargeItem = {
              ...chargeKey(input.userId, input.chargeId),
              charge_id: input.chargeId,
              status: 'void',
              lines: [],
              created_at: input.now.toISOString(),
              settled_at: input.now.toISOString(),
              expires_at: Math.floor(input.now.getTime() / 1000) + VOID_TTL_S,
            }
            try {
              await doc.send(
                new PutCommand({ TableName: tableName, Item: voided, ConditionExpression: 'attribute_not_exists(feature_date_key)' }),
              )
              return { charge: toCharge(voided), replayed: false }
            } catch (err) {
              // The charge was made meanwhile: refund it as made.
              if (err instanceof ConditionalCheckFailedException) continue
              throw err
            }
          }
          if (stored.status === 'refunded' || stored.status === 'void') return { charge: toCharge(stored), replayed: true }
          if (stored.status === 'committed') throw new ChargeCommittedError(input.chargeId)
          const updates = refundUpdates(input.userId, stored.lines, seen)
          try {
            await transactWrite(doc, {
              TransactItems: [
                {
                  Update: {
                    TableName: tableName,
                    Key: chargeKey(input.userId, input.chargeId),
                    UpdateExpression: 'SET #status = :refunded, settled_at = :now REMOVE held_until, held_shard',
                    // The race with a commit (and with other refunders) is decided here.
                    ConditionExpression: '#status = :held',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: { ':refunded': 'refunded', ':held': 'held', ':now': input.now.toISOString() },
                  },
                },
                ...updates.map(({ update }) => ({ Update: { ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } })),
              ],
            })
            return { charge: toCharge({ ...stored, status: 'refunded', settled_at: input.now.toISOString() }), replayed: false }
          } catch (err) {
            const reasons = cancellationReasons(err)
            if (!reasons) throw err
            // The charge changed under us (committed or refunded): read it again and decide anew.
            if (reasons[0]?.Code === 'ConditionalCheckFailed') continue
            // A counter held less than its line: give back what it holds (never below zero).
            for (const [k, { line }] of updates.entries()) {
              const reason = reasons[k + 1]
              if (reason?.Code !== 'ConditionalCheckFailed') continue
              seen.set(line, reason.Item ? (unmarshall(reason.Item) as CounterRow).usage_count : undefined)
            }
          }
        }
        throw new DynamoDbContentionError()
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** A charge as recorded, or undefined. */
    async findCharge(userId: string, chargeId: string): Promise<Charge | undefined> {
      try {
        const item = await getItem(userId, chargeId)
        return item ? toCharge(item) : undefined
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** Held charges of one shard whose hold ended before `before` (epoch ms), oldest first. */
    async findExpiredHolds(shard: number, before: number, limit: number): Promise<Array<{ userId: string; chargeId: string }>> {
      try {
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: HELD_INDEX,
            KeyConditionExpression: 'held_shard = :shard AND held_until < :before',
            ExpressionAttributeValues: { ':shard': heldShardKey(shard), ':before': before },
            Limit: limit,
          }),
        )
        return (res.Items ?? []).map((item) => ({ userId: String(item.user_id), chargeId: String(item.charge_id) }))
      } catch (err) {
        rethrowDynamoError(err)
      }
    },
  }
}

export type ChargesRepository = ReturnType<typeof createChargesRepository>
