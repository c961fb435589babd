// Each segment's checkpoint of a run: where its Scan continues, whether it is done, and its counters
// (so a resumed run reports everything the interrupted one had counted).
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { checkpointKey, checkpointQuery } from '@f1/tables/keys'
import type { Counters } from '../../lib/report.ts'
import { queryPages, withoutKey, type StateTable } from './table.ts'

export interface Checkpoint {
  segment: number
  /** Where the segment's Scan continues (JSON of LastEvaluatedKey); absent at its start or end. */
  cursor?: string
  done: boolean
  pages: number
  counters: Counters
  updated_at: string
}

export function createCheckpointsRepository(table: StateTable) {
  const { doc, TableName, send } = table
  return {
    /** Stored after a page's writes are all durable: a resume redoes at most that one page. */
    async saveCheckpoint(runId: string, checkpoint: Checkpoint): Promise<void> {
      await send(() => doc.send(new PutCommand({ TableName, Item: { ...checkpointKey(runId, checkpoint.segment), ...checkpoint } })))
    },

    async loadCheckpoints(runId: string): Promise<Map<number, Checkpoint>> {
      const { pk, skPrefix } = checkpointQuery(runId)
      const checkpoints = new Map<number, Checkpoint>()
      for await (const items of queryPages(table, pk, skPrefix)) {
        for (const item of items) checkpoints.set(Number(item.segment), withoutKey(item) as Checkpoint)
      }
      return checkpoints
    },
  }
}

export type CheckpointsRepository = ReturnType<typeof createCheckpointsRepository>
