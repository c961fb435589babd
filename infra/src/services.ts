// Which tables each app may touch, and how. The architecture's ownership: each service writes
// only its own table; the gateway still reads and writes profiles in the legacy table; the
// subscription service falls back to legacy profiles and follows the migration's stage (the migration
// table: its stage, and the shadow figures it records); the migrator scans legacy, writes the four
// new tables and keeps its own state (runs, lock, checkpoints). No one deletes items of the data
// tables (TTL expires them; the migration never modifies legacy): only the migrator its own state,
// the gateway its Idempotency-Key records that a failed request releases, and simulation-service the
// results it stored hidden whose charge was refunded (never a shown one: its delete is conditional).
import type { ServiceName } from '@f1/contracts/services'
import type { Publisher } from '@f1/events/rules'
import type { TableId } from '@f1/tables'
import type { OutboxTableId } from '@f1/tables/outbox'

/** Item reads, including reads of a transaction's condition checks, and DescribeTable. */
export const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const
/** Item writes (also what TransactWriteItems is authorized against). */
export const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'] as const
/** Full-table reads: only the migrator's parallel backfill and verify need them. */
export const SCAN_ACTIONS = ['dynamodb:Scan'] as const

export interface TableGrant {
  table: TableId
  actions: readonly string[]
}

const readWrite = (table: TableId): TableGrant => ({ table, actions: [...READ_ACTIONS, ...WRITE_ACTIONS] })
const readOnly = (table: TableId): TableGrant => ({ table, actions: READ_ACTIONS })
/** Item deletes: only the migrator's own state (a released lock, a finished run's checkpoints). */
export const DELETE_ACTIONS = ['dynamodb:DeleteItem'] as const

/** A service whose reads follow the migration's stages: it reads the stage items and adds its legacy reads and shadow comparisons. */
export const MIGRATION_STAGE_ACTIONS = ['dynamodb:Query', 'dynamodb:DescribeTable', 'dynamodb:UpdateItem', 'dynamodb:PutItem'] as const

const backfill = (table: TableId): TableGrant => ({ table, actions: [...READ_ACTIONS, ...WRITE_ACTIONS, ...SCAN_ACTIONS] })

export const SERVICE_TABLES: Record<ServiceName, readonly TableGrant[]> = {
  gateway: [readWrite('legacy'), { table: 'gateway', actions: [...READ_ACTIONS, ...WRITE_ACTIONS, ...DELETE_ACTIONS] }],
  // The migration table: the stage of subscriptions, read with a short cache, and the shadow figures it adds to.
  'subscription-service': [readWrite('subscriptions'), readOnly('legacy'), { table: 'migration', actions: MIGRATION_STAGE_ACTIONS }],
  'usage-service': [readWrite('usage')],
  'action-log-service': [readWrite('actions')],
  'simulation-service': [{ table: 'simulations', actions: [...READ_ACTIONS, ...WRITE_ACTIONS, ...DELETE_ACTIONS] }],
  migrator: [
    { table: 'legacy', actions: [...READ_ACTIONS, ...SCAN_ACTIONS] },
    backfill('subscriptions'),
    backfill('usage'),
    backfill('actions'),
    backfill('simulations'),
    { table: 'migration', actions: [...READ_ACTIONS, ...WRITE_ACTIONS, ...DELETE_ACTIONS] },
  ],
}

/**
 * The service whose domain events each outbox table holds: its relay may put them on the bus only
 * under that service's source (PUBLISHERS). The migrator writes the data tables while it backfills,
 * but its own events go to its state table's outbox: one in a data table would be refused by the bus.
 */
export const OUTBOX_PRODUCERS: Record<OutboxTableId, Publisher> = {
  subscriptions: 'subscription-service',
  usage: 'usage-service',
  simulations: 'simulation-service',
  gateway: 'gateway',
  migration: 'migrator',
}
