// The simulation results table's access patterns. Keys, marshalling, the storage of big results
// (stored-results.ts) and SDK exceptions stay in here.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Simulation, SimulationMode, SimulationSummary } from '@f1/contracts/simulations'
import { indexName } from '@f1/tables'
import { rethrowDynamoError } from '@f1/tables/errors'
import { InvalidCursorError } from '../errors.ts'
import { createIdGenerator } from '../lib/ids.ts'
import { COMPRESS_ABOVE_BYTES, MAX_BLOB_BYTES, readCompressed, storeResults } from './stored-results.ts'

export interface SimulationsRepositoryOptions {
  doc: DynamoDBDocumentClient
  tableName: string
  /** Size limits of stored results (tests lower them); default: stored-results.ts. */
  limits?: { compressAbove: number; maxBlob: number }
}

export interface NewSimulation {
  userId: string
  createdAt: Date
  trackId: string
  season: number
  mode: SimulationMode
  driver: string | undefined
  /** The request as sent. */
  strategyData: Record<string, unknown>
  results: unknown
  totalTime: number | null
}

export interface ListOptions {
  limit: number
  cursor?: string | undefined
}

/** The stored item: the simulation, its results in one of three forms (see stored-results.ts). */
interface SimulationItem extends Omit<Simulation, 'total_time'> {
  total_time?: number | null
  results_gz?: Uint8Array
  /** Number of part items holding the compressed results. */
  results_gz_parts?: number
}

/** One slice of a compressed result too big for one item; no user_id, so the user index never lists it. */
interface PartItem {
  simulation_id: string
  created_at: string
  results_gz_part: Uint8Array
}

const USER_INDEX = indexName('simulations', 'user_id-created_at-index')

// A part's sort key extends the simulation's, so a query by simulation_id returns the item first, then its parts in order.
const partKey = (createdAt: string, index: number) => `${createdAt}#part#${String(index).padStart(4, '0')}`

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
] as const
const SUMMARY_NAMES = Object.fromEntries(SUMMARY_ATTRIBUTES.map((name, i) => [`#a${i}`, name]))
const SUMMARY_PROJECTION = Object.keys(SUMMARY_NAMES).join(', ')

function toSummary(item: SimulationItem): SimulationSummary {
  const { results: _results, results_gz: _gz, results_gz_parts: _parts, ...summary } = item
  return { ...summary, total_time: item.total_time ?? null }
}

export function createSimulationsRepository(options: SimulationsRepositoryOptions) {
  const { doc, tableName } = options
  const limits = options.limits ?? { compressAbove: COMPRESS_ABOVE_BYTES, maxBlob: MAX_BLOB_BYTES }
  const newId = createIdGenerator()

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
    if (item.results_gz !== undefined) simulation.results = await readCompressed(item.results_gz)
    else if (item.results_gz_parts !== undefined) {
      if (parts.length !== item.results_gz_parts) {
        throw new Error(`simulation ${item.simulation_id} has ${parts.length} of its ${item.results_gz_parts} result parts`)
      }
      simulation.results = await readCompressed(parts.map((p) => p.results_gz_part))
    } else if (item.results !== undefined) simulation.results = item.results
    return simulation
  }

  return {
    /**
     * Stores a new simulation under a fresh time-sortable id and returns it as GET returns it.
     * Big results are compressed, never refused.
     */
    async saveSimulation(input: NewSimulation): Promise<Simulation> {
      const simulation: Simulation = {
        simulation_id: newId(input.createdAt),
        created_at: input.createdAt.toISOString(),
        user_id: input.userId,
        track_id: input.trackId,
        season: input.season,
        mode: input.mode,
        ...(input.driver !== undefined ? { driver: input.driver } : {}),
        strategy_data: input.strategyData,
        total_time: input.totalTime,
        results: input.results,
      }
      const { results, ...rest } = simulation
      const stored = await storeResults(rest, results, limits)
      const item: SimulationItem = { ...rest }
      if (stored.kind === 'inline') item.results = stored.results
      else if (stored.kind === 'gzip') item.results_gz = stored.blob
      else item.results_gz_parts = stored.parts.length
      try {
        // Parts first, the item last: a simulation is found only once all of it is stored.
        if (stored.kind === 'parts') {
          for (const [i, part] of stored.parts.entries()) {
            const partItem: PartItem = { simulation_id: rest.simulation_id, created_at: partKey(rest.created_at, i), results_gz_part: part }
            await doc.send(new PutCommand({ TableName: tableName, Item: partItem }))
          }
        }
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            // Ids are unique by construction; this makes "never overwrite a stored simulation" a fact, not a probability.
            ConditionExpression: 'attribute_not_exists(simulation_id)',
          }),
        )
        return simulation
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** A simulation with its results, or undefined when there is none with this id for this owner. */
    async findSimulation(simulationId: string, ownerId: string): Promise<Simulation | undefined> {
      let item: SimulationItem | undefined
      const parts: PartItem[] = []
      let startKey: Record<string, unknown> | undefined
      try {
        do {
          const res = await doc.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'simulation_id = :id',
              ExpressionAttributeValues: { ':id': simulationId },
              // Read-your-write: a client reading the simulation it just created finds it.
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          )
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
    },

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
      await doc.send(new GetCommand({ TableName: tableName, Key: { simulation_id: '#ready', created_at: '#ready' } }), {
        abortSignal: signal,
      })
    },
  }
}

export type SimulationsRepository = ReturnType<typeof createSimulationsRepository>
