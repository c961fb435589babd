// The tables of the architecture, defined once. Infra, local setup, tests and
// repositories all derive names, keys, indexes and TTL from these definitions.
import Type from 'typebox'

export type AttributeType = 'S' | 'N' | 'B'

export interface KeyAttribute {
  name: string
  type: AttributeType
}

export interface IndexDefinition {
  name: string
  partitionKey: KeyAttribute
  sortKey?: KeyAttribute
}

export interface TableDefinition {
  /** The environment variable that names the table. */
  envVar: string
  defaultName: string
  partitionKey: KeyAttribute
  sortKey?: KeyAttribute
  indexes: readonly IndexDefinition[]
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes the item some time after it. */
  ttlAttribute?: string
  /**
   * The table holds its service's outbox: domain events written in the same transaction as the
   * state they report (see outbox.ts), streamed (new images) to the event bus by a relay.
   */
  outbox?: true
  description: string
}

const S = (name: string): KeyAttribute => ({ name, type: 'S' })
const N = (name: string): KeyAttribute => ({ name, type: 'N' })

export const TABLES = {
  subscriptions: {
    envVar: 'USER_SUBSCRIPTIONS_TABLE',
    defaultName: 'f1-user-subscriptions-dev',
    partitionKey: S('user_id'),
    sortKey: S('subscription_id'),
    indexes: [{ name: 'stripe_subscription_id-index', partitionKey: S('stripe_subscription_id') }],
    // Only outbox items carry it: everything else in the table is kept.
    ttlAttribute: 'expires_at',
    outbox: true,
    description: 'One row per subscription of a user, kept in step with Stripe.',
  },
  usage: {
    envVar: 'USER_USAGE_TABLE',
    defaultName: 'f1-user-usage-dev',
    partitionKey: S('user_id'),
    sortKey: S('feature_date_key'),
    // Sparse: only charges still held (work in progress) carry held_shard, so the sweeper that
    // refunds expired holds reads just those, spread over a few partitions.
    indexes: [{ name: 'held-charges-index', partitionKey: S('held_shard'), sortKey: N('held_until') }],
    ttlAttribute: 'expires_at',
    outbox: true,
    description: 'Per-user, per-feature, per-UTC-day usage counters ({feature}_{YYYY-MM-DD}) and the charge records of metered work.',
  },
  actions: {
    envVar: 'USER_ACTIONS_LOG_TABLE',
    defaultName: 'f1-user-actions-log-dev',
    partitionKey: S('user_id'),
    sortKey: S('timestamp'),
    indexes: [],
    ttlAttribute: 'expires_at',
    description: 'Every action of a user, one row per domain event.',
  },
  simulations: {
    envVar: 'SIMULATION_RESULTS_TABLE',
    defaultName: 'f1-simulation-results',
    partitionKey: S('simulation_id'),
    sortKey: S('created_at'),
    indexes: [
      { name: 'user_id-created_at-index', partitionKey: S('user_id'), sortKey: S('created_at') },
      // Sparse: only results stored but not yet revealed (their charge not yet committed) carry
      // pending_shard, so the sweeper that settles them after a crash reads just those.
      { name: 'pending-results-index', partitionKey: S('pending_shard'), sortKey: N('pending_until') },
      // Sparse: only open jobs (queued or running) carry job_queue; job_visible_at is when a runner may
      // take one (0 while queued, the end of its runner's lease while running), the local JobQueue.
      { name: 'open-jobs-index', partitionKey: S('job_queue'), sortKey: N('job_visible_at') },
    ],
    // Only outbox items carry it: everything else in the table is kept.
    ttlAttribute: 'expires_at',
    outbox: true,
    description: 'Stored race simulations and their results.',
  },
  legacy: {
    envVar: 'LEGACY_METADATA_TABLE',
    defaultName: 'f1-strategy-metadata-dev',
    partitionKey: S('strategy_id'),
    indexes: [
      { name: 'user_id-index', partitionKey: S('user_id') },
      { name: 'email-index', partitionKey: S('email') },
    ],
    description: 'The legacy single table (profiles, usage, actions, strategies); profiles still live here.',
  },
  gateway: {
    envVar: 'GATEWAY_TABLE',
    defaultName: 'f1-gateway-dev',
    partitionKey: S('user_id'),
    sortKey: S('record_key'),
    indexes: [],
    ttlAttribute: 'expires_at',
    outbox: true,
    description:
      "The gateway's own records, per user: Idempotency-Key records (`idempotency#<method> <route>#<key>`, 24 h) and its outbox (`outbox#<event id>`).",
  },
  migration: {
    envVar: 'MIGRATION_STATE_TABLE',
    defaultName: 'f1-migration-state-dev',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [],
    ttlAttribute: 'expires_at',
    outbox: true,
    description: "The migrator's own state: backfill runs and their lock, per-segment checkpoints, per-user migration markers.",
  },
} as const satisfies Record<string, TableDefinition>

export type TableId = keyof typeof TABLES
export const TABLE_IDS = Object.keys(TABLES) as TableId[]
export type TableNames = Record<TableId, string>

/** The name of the index of a table, checked at compile time. */
export function indexName<T extends TableId>(table: T, index: (typeof TABLES)[T]['indexes'][number]['name']): string {
  return index
}

// DynamoDB's own rule for table names.
const TABLE_NAME = { minLength: 3, maxLength: 255, pattern: '^[A-Za-z0-9_.-]+$' }

type EnvVarOf<T extends TableId> = (typeof TABLES)[T]['envVar']

/** Config schema properties naming the given tables (env var -> name, with the seed's default). */
export function tableNameConfig<const T extends TableId>(...ids: T[]) {
  const properties = {} as Record<EnvVarOf<T>, ReturnType<typeof Type.String>>
  for (const id of ids) {
    const table: TableDefinition = TABLES[id]
    properties[table.envVar as EnvVarOf<T>] = Type.String({ ...TABLE_NAME, default: table.defaultName, description: table.description })
  }
  return properties
}

/** Every table's name from the given environment, each optionally prefixed (tests isolate by prefix). */
export function resolveTableNames(env: Record<string, string | undefined>, prefix = ''): TableNames {
  const names = {} as TableNames
  for (const id of TABLE_IDS) {
    const table: TableDefinition = TABLES[id]
    names[id] = prefix + (env[table.envVar] || table.defaultName)
  }
  return names
}

/** The environment variables that hand these table names to an app. */
export function tableNamesToEnv(names: Partial<TableNames>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const id of TABLE_IDS) {
    const name = names[id]
    if (name) env[TABLES[id].envVar] = name
  }
  return env
}
