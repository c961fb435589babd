// The lazy migration's per-user markers (`user#<id>`: migrated, by which event, what it wrote) and
// their count, which GET /status shows.
import { GetCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import { rethrowDynamoError } from '@f1/tables/errors'
import { USER_MARKER_STATS_KEY as STATS_KEY, userMarkerKey } from '@f1/tables/keys'
import { updateOnceWithMarker } from '@f1/tables/transactions'
import type { StateTable } from './table.ts'

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export interface UserMarker {
  user_id: string
  migrated_at: string
  event_id: string
  written: Record<string, number>
  rejected: number
}

export function createUserMarkersRepository({ doc, TableName, send }: StateTable) {
  return {
    async hasUserMarker(userId: string): Promise<boolean> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: userMarkerKey(userId), ConsistentRead: true })))
      return res.Item !== undefined
    },

    /**
     * Records that a user is migrated, counts the marker and writes `event` (its User Migrated outbox
     * item), in one transaction; false if the marker existed.
     */
    async putUserMarker(marker: UserMarker, event: TransactItem): Promise<boolean> {
      try {
        // Two deliveries migrating the same user at once: one marker, one count, one event.
        const outcome = await send(() =>
          updateOnceWithMarker(
            doc,
            { TableName, Item: { ...userMarkerKey(marker.user_id), ...marker }, keyAttribute: 'pk' },
            { TableName, Key: STATS_KEY, UpdateExpression: 'ADD user_markers :one', ExpressionAttributeValues: { ':one': 1 } },
            [event],
          ),
        )
        return outcome.status === 'applied'
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    async userMarkerCount(): Promise<number> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: STATS_KEY, ConsistentRead: true })))
      return Number(res.Item?.user_markers ?? 0)
    },
  }
}

export type UserMarkersRepository = ReturnType<typeof createUserMarkersRepository>
