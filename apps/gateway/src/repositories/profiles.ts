// User profiles in the legacy table (docs/architecture.md, "Tables": profiles stay there, written by the gateway).
// Emails are unique case-insensitively through an email lock item (emailLockKey) written in
// the same transaction as the profile; the migrator knows these `email_lock` items and skips them.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import type { Role } from '@f1/contracts/common'
import { isProfileType } from '@f1/legacy/kinds'
import { accountProfile } from '@f1/legacy/profiles'
import { indexName } from '@f1/tables'
import { emailLockKey, legacyProfileKey as profileKey, readinessKey } from '@f1/tables/keys'
import { rethrowDynamoError } from '@f1/tables/errors'
import { cancellationReasons, transactWrite } from '@f1/tables/transactions'
import { NotFoundError } from '@f1/service-kit/errors'
import { EmailTakenError } from '../errors.ts'

/** A profile item as the legacy table holds it; old items may lack or misspell fields. */
export interface ProfileItem {
  strategy_id: string
  type: string
  user_id: string
  email: string
  name?: string
  created_at?: string | number
  password_hash?: string
  role?: Role
  plan?: unknown
  subscription_status?: unknown
}

export interface NewProfile {
  userId: string
  email: string
  name: string
  passwordHash: string
  createdAt: Date
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export function createProfilesRepository(options: { doc: DynamoDBDocumentClient; tableName: string }) {
  const { doc, tableName } = options

  async function findByUserId(userId: string): Promise<ProfileItem | undefined> {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: { strategy_id: profileKey(userId) } }))
    return res.Item as ProfileItem | undefined
  }

  /** Legacy profiles have no lock item; the email GSI finds them as written (exact case). */
  async function findLegacyProfiles(email: string): Promise<ProfileItem[]> {
    const variants = [...new Set([email.toLowerCase(), email])]
    const found: ProfileItem[] = []
    for (const variant of variants) {
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName('legacy', 'email-index'),
          KeyConditionExpression: 'email = :email',
          ExpressionAttributeValues: { ':email': variant },
        }),
      )
      found.push(...((res.Items ?? []) as ProfileItem[]).filter((item) => isProfileType(item.type)))
    }
    return found
  }

  return {
    /** The profile of a user id, or undefined. */
    async findProfileById(userId: string): Promise<ProfileItem | undefined> {
      try {
        return await findByUserId(userId)
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** The profile that owns an email, whatever its letter case, or undefined. */
    async findProfileByEmail(email: string): Promise<ProfileItem | undefined> {
      try {
        const lock = await doc.send(new GetCommand({ TableName: tableName, Key: { strategy_id: emailLockKey(email) } }))
        const userId = lock.Item?.user_id as string | undefined
        if (userId) return await findByUserId(userId)
        // Same email in several letter cases: the migrator's rule picks the account (docs/legacy-data.md).
        return accountProfile(await findLegacyProfiles(email), email)
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /**
     * Writes a new profile, and `event` (the User Registered outbox item, in the gateway's own
     * table) in the same transaction; throws EmailTakenError when the email is anyone's already.
     */
    async createProfile(profile: NewProfile, event: TransactItem): Promise<void> {
      const email = profile.email.toLowerCase()
      const createdAt = profile.createdAt.toISOString()
      try {
        // Any legacy profile holds the email, even one the migrator would not make an account of.
        if ((await findLegacyProfiles(profile.email)).length > 0) throw new EmailTakenError()
        await transactWrite(doc, {
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { strategy_id: emailLockKey(email), type: 'email_lock', user_id: profile.userId, email, created_at: createdAt },
                // Two registrations of one email race here; exactly one transaction wins.
                ConditionExpression: 'attribute_not_exists(strategy_id)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: {
                  strategy_id: profileKey(profile.userId),
                  type: 'user',
                  user_id: profile.userId,
                  email,
                  name: profile.name,
                  role: 'user',
                  created_at: createdAt,
                  password_hash: profile.passwordHash,
                },
                ConditionExpression: 'attribute_not_exists(strategy_id)',
              },
            },
            event,
          ],
        })
      } catch (err) {
        if (cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed') throw new EmailTakenError({ cause: err })
        rethrowDynamoError(err)
      }
    },

    /**
     * Sets a user's role; 'unchanged' when the profile has it already. Throws NotFoundError when
     * there is no profile under this id.
     */
    async setRole(userId: string, role: Role): Promise<'changed' | 'unchanged'> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { strategy_id: profileKey(userId) },
            UpdateExpression: 'SET #role = :role',
            // Never creates a profile (a deleted user stays deleted), and two operators granting at
            // once see one change and one no-op.
            ConditionExpression: 'attribute_exists(strategy_id) AND (attribute_not_exists(#role) OR #role <> :role)',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':role': role },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        return 'changed'
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) {
          if (err.Item) return 'unchanged'
          throw new NotFoundError(`No profile for user ${userId}`, { cause: err })
        }
        rethrowDynamoError(err)
      }
    },

    async ping(signal: AbortSignal): Promise<void> {
      await doc.send(new GetCommand({ TableName: tableName, Key: readinessKey('legacy') }), { abortSignal: signal })
    },
  }
}

export type ProfilesRepository = ReturnType<typeof createProfilesRepository>
