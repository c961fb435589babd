// The profile emails a run saw, grouped by the hash of the email in lower case (16 shards): conflict
// detection over the whole legacy table with bounded memory, and surviving a resume.
import { createHash } from 'node:crypto'
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb'
import { EMAIL_SHARDS, emailEntryKey, emailShardPartition } from '@f1/tables/keys'
import { backoff } from '../../lib/paced-send.ts'
import { queryPages, type StateTable } from './table.ts'

export interface EmailEntry {
  user_id: string
  legacy_id: string
  email: string
  created_at?: string
}

/** Email entries only serve the run's report; they expire a month after it. */
const EMAIL_TTL_S = 30 * 86_400

const emailHash = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32)

export function createEmailsRepository(table: StateTable) {
  const { doc, TableName, send } = table
  return {
    /** Records profiles' emails; the same profile twice is the same item (a redone page changes nothing). */
    async putEmails(runId: string, entries: readonly EmailEntry[]): Promise<void> {
      const expiresAt = Math.floor(Date.now() / 1000) + EMAIL_TTL_S
      for (let i = 0; i < entries.length; i += 25) {
        let requests = entries.slice(i, i + 25).map((entry) => {
          const hash = emailHash(entry.email)
          return {
            PutRequest: {
              Item: {
                ...emailEntryKey(runId, hash, entry.legacy_id),
                hash,
                ...entry,
                expires_at: expiresAt,
              },
            },
          }
        })
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0) await backoff(attempt, 50, 5_000)
          const res = await send(() => doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } })), requests.length)
          requests = (res.UnprocessedItems?.[TableName] ?? []) as typeof requests
        }
      }
    },

    /** Every group of profiles whose emails are equal in lower case and that has two or more, one group at a time. */
    async *emailGroups(runId: string): AsyncGenerator<EmailEntry[]> {
      for (let shard = 0; shard < EMAIL_SHARDS; shard++) {
        let group: Array<EmailEntry & { hash: string }> = []
        // Sorted by sort key, which starts with the email's hash: a group's entries are adjacent.
        for await (const items of queryPages(table, emailShardPartition(runId, shard))) {
          for (const item of items as Array<EmailEntry & { hash: string }>) {
            if (group.length > 0 && group[0]?.hash !== item.hash) {
              if (group.length > 1) yield group
              group = []
            }
            group.push(item)
          }
        }
        if (group.length > 1) yield group
      }
    },
  }
}

export type EmailsRepository = ReturnType<typeof createEmailsRepository>
