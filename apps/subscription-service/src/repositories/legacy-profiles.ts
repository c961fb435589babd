// Read-only access to legacy profiles, for the fallback when a user has no subscription row.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { rethrowDynamoError } from '@f1/tables/errors'
import { legacyProfileKey } from '@f1/tables/keys'

export function createLegacyProfilesRepository(options: { doc: DynamoDBDocumentClient; tableName: string }) {
  return {
    /** The legacy profile item of a user as stored, or undefined. */
    async findLegacyProfile(userId: string): Promise<Record<string, unknown> | undefined> {
      try {
        const res = await options.doc.send(new GetCommand({ TableName: options.tableName, Key: { strategy_id: legacyProfileKey(userId) } }))
        return res.Item
      } catch (err) {
        rethrowDynamoError(err)
      }
    },
  }
}

export type LegacyProfilesRepository = ReturnType<typeof createLegacyProfilesRepository>
