// The simulation results table's access patterns. Keys, marshalling, the storage of big results
// (stored-results.ts) and SDK exceptions stay in here.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import type { SimulationResults } from '@f1/contracts/simulation-results'
import type { Simulation, SimulationSummary, StoredMode } from '@f1/contracts/simulations'
import { indexName } from '@f1/tables'
import { rethrowDynamoError } from '@f1/tables/errors'
import { readinessKey } from '@f1/tables/keys'
import { cancellationReasons, transactWrite } from '@f1/tables/transactions'
import { InvalidCursorError } from '../errors.ts'
import { COMPRESS_ABOVE_BYTES, MAX_BLOB_BYTES, readCompressed, storeResults } from './stored-results.ts'

export interface SimulationsRepositoryOptions {
  doc: DynamoDBDocumentClient
  tableName: string
  /** Size limits of stored results (tests lower them); default: stored-results.ts. */
  limits?: { compressAbove: number; maxBlob: number }
}

/** What every simulation item holds, a run's or a job's: the seed's attributes. */
export interface SimulationSeed {
  /** A ULID: the operation's id when the gateway gave one (a retry lands on the same item). */
  simulationId: string
  userId: string
  createdAt: Date
  trackId: string
  season: number
  mode: StoredMode
  driver: string | undefined
  /** The request as sent. */
  strategyData: Record<string, unknown>
}

export interface NewSimulation extends SimulationSeed {
  results: SimulationResults
  totalTime: number | null
}

/** The seed's attributes as the item (and GET) writes them. */
export function seedAttributes(input: SimulationSeed) {
  return {
    simulation_id: input.simulationId,
    created_at: input.createdAt.toISOString(),
    user_id: input.userId,
    track_id: input.trackId,
    season: input.season,
    mode: input.mode,
    ...(input.driver !== undefined ? { driver: input.driver } : {}),
    strategy_data: input.strategyData,
  }
}

export interface ListOptions {
  limit: number
  cursor?: string | undefined
}

/** The stored item: the simulation, its results in one of three forms (see stored-results.ts). */
interface SimulationItem extends Omit<Simulation, 'total_time' | 'user_id'> {
  /** Absent while pending: the user index lists only what is shown. */
  user_id?: string
  total_time?: number | null
  results_gz?: Uint8Array
  /** Number of part items holding the compressed results. */
  results_gz_parts?: number
  /** While pending (stored, its charge not yet committed): the owner it will be shown to. */
  pending_owner?: string
  pending_shard?: string
  /** While pending: epoch ms after which the sweeper settles it (its charge's hold). */
  pending_until?: number
  // A job's bookkeeping (repositories/jobs.ts, lib/job-queue.ts), never answered.
  job_queue?: string
  job_visible_at?: number
  job_deadline?: number
  job_attempts?: number
  job_charged?: boolean
  lease_owner?: string
  started_at?: number
  results_kept?: boolean
  results_runs?: number
}

type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

/** The outbox item of the event that reports a simulation stored and shown (written in the same transaction). */
export type EventFor = (simulation: SimulationSummary) => TransactWriteItem

/** Where a simulation id stands: shown to its owner, stored but pending its charge's commit, or absent. */
export type SimulationState =
  | { state: 'shown'; owner: string; createdAt: string }
  | { state: 'pending'; owner: string; createdAt: string }
  | { state: 'absent' }

/** Pending items spread over this many GSI partitions (the sweeper reads them all). */
export const PENDING_SHARDS = 4
const PENDING_INDEX = indexName('simulations', 'pending-results-index')

/** One slice of a compressed result too big for one item; no user_id, so the user index never lists it. */
interface PartItem {
  simulation_id: string
  created_at: string
  results_gz_part: Uint8Array
}

const USER_INDEX = indexName('simulations', 'user_id-created_at-index')

// A part's sort key extends the simulation's, so a query by simulation_id returns the item first, then its parts in order.
const partKey = (createdAt: string, index: number) => `${createdAt}#part#${String(index).padStart(4, '0')}`

/** The item holding part `index` of a simulation's compressed results. */
export const partItem = (simulationId: string, createdAt: string, index: number, part: Uint8Array): PartItem => ({
  simulation_id: simulationId,
  created_at: partKey(createdAt, index),
  results_gz_part: part,
})

// What a list entry holds: everything but the results, which can be big.
const SUMMARY_ATTRIBUTES = [
  'simulation_id',
  'created_at',
  'user_id',
  'track_id',
  'season',
  'mode',
  'driver',
  'strategy_data',
  'total_time',
  'migrated_from',
  'migrated_at',
  'track_unresolved',
  'status',
  'progress',
  'eta_s',
  'error',
  'partial',
] as const
const SUMMARY_NAMES = Object.fromEntries(SUMMARY_ATTRIBUTES.map((name, i) => [`#a${i}`, name]))
const SUMMARY_PROJECTION = Object.keys(SUMMARY_NAMES).join(', ')

function toSummary(item: SimulationItem): SimulationSummary {
  const {
    results: _results,
    results_gz: _gz,
    results_gz_parts: _parts,
    pending_owner: owner,
    pending_shard: _shard,
    pending_until: _until,
    job_queue: _queue,
    job_visible_at: _visible,
    job_deadline: _deadline,
    job_attempts: _attempts,
    job_charged: _charged,
    lease_owner: _lease,
    started_at: _started,
    results_kept: _kept,
    results_runs: _runs,
    ...summary
  } = item
  return { ...summary, user_id: item.user_id ?? owner ?? '', total_time: item.total_time ?? null }
}

const shardOf = (id: string) => `pending#${id.charCodeAt(id.length - 1) % PENDING_SHARDS}`

export function createSimulationsRepository(options: SimulationsRepositoryOptions) {
  const { doc, tableName } = options
  const limits = options.limits ?? { compressAbove: COMPRESS_ABOVE_BYTES, maxBlob: MAX_BLOB_BYTES }

  const encodeCursor = (item: SimulationSummary) =>
    Buffer.from(JSON.stringify({ c: item.created_at, s: item.simulation_id })).toString('base64url')
  function decodeCursor(cursor: string): { created_at: string; simulation_id: string } {
    try {
      const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { c?: unknown; s?: unknown }
      if (typeof parsed.c === 'string' && typeof parsed.s === 'string' && parsed.c && parsed.s)
        return { created_at: parsed.c, simulation_id: parsed.s }
    } catch {
      // falls through to the error below
    }
    throw new InvalidCursorError()
  }

  async function withResults(item: SimulationItem, parts: readonly PartItem[]): Promise<Simulation> {
    const simulation: Simulation = toSummary(item)
    // A job's results are shown once it is done, or cancelled with the runs it did (its charge committed), never while it runs.
    if (item.status !== undefined && item.status !== 'done' && !(item.status === 'cancelled' && item.partial === true)) return simulation
    if (item.results_gz !== undefined) simulation.results = await readCompressed(item.results_gz)
    else if (item.results_gz_parts !== undefined) {
      if (parts.length !== item.results_gz_parts) {
        throw new Error(`simulation ${item.simulation_id} has ${parts.length} of its ${item.results_gz_parts} result parts`)
      }
      simulation.results = await readCompressed(parts.map((p) => p.results_gz_part))
    } else if (item.results !== undefined) simulation.results = item.results
    return simulation
  }

  /** The rows under a simulation id, the item first and then its result parts (their sort keys extend its). */
  function rowsOf(simulationId: string, options: Partial<QueryCommandInput>) {
    return doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'simulation_id = :id',
        ExpressionAttributeValues: { ':id': simulationId },
        ...options,
      }),
    )
  }

  async function findSimulation(simulationId: string, ownerId: string): Promise<Simulation | undefined> {
    let item: SimulationItem | undefined
    const parts: PartItem[] = []
    let startKey: Record<string, unknown> | undefined
    try {
      do {
        // Read-your-write: a client reading the simulation it just created finds it.
        const res = await rowsOf(simulationId, { ConsistentRead: true, ExclusiveStartKey: startKey })
        for (const row of res.Items ?? []) {
          if ('results_gz_part' in row) parts.push(row as PartItem)
          else item ??= row as SimulationItem
        }
        // The item sorts before its parts: another user's simulation is not read any further.
        if (item === undefined || item.user_id !== ownerId) return undefined
        startKey = res.LastEvaluatedKey
      } while (startKey && item.results_gz_parts !== undefined)
    } catch (err) {
      rethrowDynamoError(err)
    }
    return withResults(item, parts)
  }

  async function readItem(simulationId: string): Promise<SimulationItem | undefined> {
    const res = await rowsOf(simulationId, { ConsistentRead: true, Limit: 1 })
    const item = res.Items?.[0]
    return item && !('results_gz_part' in item) ? (item as SimulationItem) : undefined
  }

  async function deleteParts(simulationId: string): Promise<void> {
    let startKey: Record<string, unknown> | undefined
    do {
      const res = await rowsOf(simulationId, {
        ProjectionExpression: 'simulation_id, created_at, results_gz_part',
        ExclusiveStartKey: startKey,
      })
      for (const row of res.Items ?? []) {
        if (!('results_gz_part' in row)) continue
        await doc.send(new DeleteCommand({ TableName: tableName, Key: { simulation_id: row.simulation_id, created_at: row.created_at } }))
      }
      startKey = res.LastEvaluatedKey
    } while (startKey)
  }

  return {
    /**
     * Stores a simulation and returns it as GET returns it. Big results are compressed, never
     * refused. With `pendingUntil` it is stored hidden (no user_id: neither listed nor found)
     * until `showSimulation`, which follows the commit of its charge; a retry of the same
     * operation overwrites its own hidden item but never a shown one (it gets that one back).
     */
    async saveSimulation(input: NewSimulation, pendingUntil?: number, completed?: EventFor): Promise<Simulation> {
      const simulation: Simulation = {
        ...seedAttributes(input),
        total_time: input.totalTime,
        results: input.results,
      }
      const { results: _results, ...rest } = simulation
      const stored = await storeResults(rest, input.results, limits)
      const { user_id: owner, ...unowned } = rest
      const item: SimulationItem =
        pendingUntil === undefined
          ? { ...rest }
          : { ...unowned, pending_owner: owner, pending_shard: shardOf(rest.simulation_id), pending_until: pendingUntil }
      if (stored.kind === 'inline') item.results = stored.results
      else if (stored.kind === 'gzip') item.results_gz = stored.blob
      else item.results_gz_parts = stored.parts.length
      try {
        // Parts first, the item last: a simulation is found only once all of it is stored.
        if (stored.kind === 'parts') {
          for (const [i, part] of stored.parts.entries()) {
            await doc.send(new PutCommand({ TableName: tableName, Item: partItem(rest.simulation_id, rest.created_at, i, part) }))
          }
        }
        const put = {
          TableName: tableName,
          Item: item,
          // Never overwrite a simulation that is shown; a hidden one of the same operation is a retry's to replace.
          ConditionExpression: 'attribute_not_exists(simulation_id) OR attribute_exists(pending_owner)',
        }
        // Shown at once: its event is written with it. A hidden one gets its event when it is shown.
        if (pendingUntil === undefined && completed) {
          await transactWrite(doc, { TransactItems: [{ Put: put }, completed(toSummary(item))] })
        } else await doc.send(new PutCommand(put))
        return simulation
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException || cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed') {
          const shown = await findSimulation(rest.simulation_id, owner)
          if (shown) return shown
        }
        rethrowDynamoError(err)
      }
    },

    /** Shows a pending simulation to its owner (its charge is committed), with the event that says so. Idempotent. */
    async showSimulation(simulationId: string, createdAt: string, completed: EventFor): Promise<void> {
      try {
        const item = await readItem(simulationId)
        if (!item || item.user_id) return
        // Shown and its event written together: exactly one Simulation Completed per simulation, however often it is settled.
        await transactWrite(doc, {
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: { simulation_id: simulationId, created_at: createdAt },
                UpdateExpression: 'SET user_id = pending_owner REMOVE pending_owner, pending_shard, pending_until',
                ConditionExpression: 'attribute_exists(pending_owner)',
              },
            },
            completed(toSummary(item)),
          ],
        })
      } catch (err) {
        if (cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed' && (await readItem(simulationId))?.user_id) return
        rethrowDynamoError(err)
      }
    },

    /** Deletes a pending simulation and its parts (its charge was refunded). Never touches a shown one. */
    async discardSimulation(simulationId: string, createdAt: string): Promise<void> {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { simulation_id: simulationId, created_at: createdAt },
            ConditionExpression: 'attribute_exists(pending_owner)',
          }),
        )
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) rethrowDynamoError(err)
        if ((await readItem(simulationId))?.user_id) return
      }
      try {
        await deleteParts(simulationId)
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** Whether a simulation id is shown, pending or absent, and whose it is. */
    async simulationState(simulationId: string): Promise<SimulationState> {
      try {
        const item = await readItem(simulationId)
        if (!item) return { state: 'absent' }
        if (item.user_id) return { state: 'shown', owner: item.user_id, createdAt: item.created_at }
        return { state: 'pending', owner: item.pending_owner ?? '', createdAt: item.created_at }
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** Pending simulations of one shard whose charge's hold ended before `before` (epoch ms). */
    async findStalePending(
      shard: number,
      before: number,
      limit: number,
    ): Promise<Array<{ simulationId: string; createdAt: string; owner: string }>> {
      try {
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: PENDING_INDEX,
            KeyConditionExpression: 'pending_shard = :shard AND pending_until < :before',
            ExpressionAttributeValues: { ':shard': `pending#${shard}`, ':before': before },
            Limit: limit,
          }),
        )
        return (res.Items ?? []).map((i) => ({
          simulationId: String(i.simulation_id),
          createdAt: String(i.created_at),
          owner: String(i.pending_owner),
        }))
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** A simulation with its results, or undefined when there is none with this id for this owner (or it is pending). */
    findSimulation,

    /** A user's simulations without their results, newest first, one page at a time (user index). */
    async listSimulations(userId: string, list: ListOptions): Promise<{ simulations: SimulationSummary[]; nextCursor: string | null }> {
      // One item more than the page tells whether there is a next page, so the last page has no cursor.
      const wanted = list.limit + 1
      let startKey: Record<string, unknown> | undefined = list.cursor ? { user_id: userId, ...decodeCursor(list.cursor) } : undefined
      const items: SimulationItem[] = []
      try {
        do {
          const res = await doc.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: USER_INDEX,
              KeyConditionExpression: '#user = :user',
              ProjectionExpression: SUMMARY_PROJECTION,
              ExpressionAttributeNames: { ...SUMMARY_NAMES, '#user': 'user_id' },
              ExpressionAttributeValues: { ':user': userId },
              ScanIndexForward: false,
              Limit: wanted - items.length,
              ExclusiveStartKey: startKey,
            }),
          )
          items.push(...((res.Items ?? []) as SimulationItem[]))
          startKey = res.LastEvaluatedKey
        } while (startKey && items.length < wanted)
      } catch (err) {
        rethrowDynamoError(err)
      }
      const simulations = items.slice(0, list.limit).map(toSummary)
      const last = simulations.at(-1)
      return { simulations, nextCursor: items.length > list.limit && last ? encodeCursor(last) : null }
    },

    /** Probe for /ready: the table answers. */
    async ping(signal: AbortSignal): Promise<void> {
      await doc.send(new GetCommand({ TableName: tableName, Key: readinessKey('simulations') }), {
        abortSignal: signal,
      })
    },
  }
}

export type SimulationsRepository = ReturnType<typeof createSimulationsRepository>
