// The migration table (the migrator's own state), one part per aggregate: the backfill and verify
// locks (lock.ts), run records (runs.ts), segment checkpoints (checkpoints.ts), a run's profile emails
// (emails.ts), verification records (verifications.ts) and the lazy migration's per-user markers
// (user-markers.ts). Their keys are in @f1/tables/keys. The service and a backfill hold them as one
// repository; the lazy migration takes only the markers.
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { readinessKey, VERIFY_LOCK_KEY } from '@f1/tables/keys'
import { createCheckpointsRepository } from './checkpoints.ts'
import { createEmailsRepository } from './emails.ts'
import { createLockRepository, lockOn } from './lock.ts'
import { createRunsRepository } from './runs.ts'
import { stateTable, type StateTableOptions } from './table.ts'
import { createUserMarkersRepository } from './user-markers.ts'
import { createVerificationsRepository } from './verifications.ts'

export function createStateRepository(options: StateTableOptions) {
  const table = stateTable(options)
  return {
    ...createLockRepository(table),
    ...createRunsRepository(table),
    ...createCheckpointsRepository(table),
    ...createEmailsRepository(table),
    ...createUserMarkersRepository(table),
    ...createVerificationsRepository(table),
    verifyLock: lockOn(table, VERIFY_LOCK_KEY),

    async ping(signal: AbortSignal): Promise<void> {
      await options.doc.send(new GetCommand({ TableName: options.tableName, Key: readinessKey('migration') }), { abortSignal: signal })
    },
  }
}

export type StateRepository = ReturnType<typeof createStateRepository>
