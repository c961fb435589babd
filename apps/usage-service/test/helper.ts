// Builds usage-service against real DynamoDB Local tables of this test file's own.
import { outboxEvents } from '@f1/events/testing'
import { TEST_SERVICE_TOKEN, serviceTokenEnv } from '@f1/service-kit/testing'
import { useTestTables } from '@f1/tables/testing'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { loadUsageConfig } from '../src/config.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const auth = { 'x-service-token': TEST_SERVICE_TOKEN }
export const BUS_SECRET = 'bus-secret-for-usage-tests'

/** The app, its table's clients, and its config; closed when `t` ends. */
export async function build(t: TapLike, options: BuildOptions & { endpoint?: string; tableName?: string } = {}) {
  const tables = options.tableName ? undefined : await useTestTables(t, ['usage'])
  const config = loadUsageConfig({
    env: {
      ...serviceTokenEnv('usage-service'),
      DYNAMODB_ENDPOINT: options.endpoint ?? tables?.endpoint,
      USER_USAGE_TABLE: options.tableName ?? tables?.names.usage,
      EVENT_BUS_SECRET: BUS_SECRET,
    },
  })
  const app = await buildApp(config, { logger: false, ...options })
  t.teardown(() => app.close())
  /** The events in usage-service's outbox so far (what the relay puts on the bus). */
  const events = () => outboxEvents(app.dynamo.doc, config.USER_USAGE_TABLE)
  return { app, tables, config, events }
}

/** A user id unique to the calling test. */
export function userId(label = 'u'): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`
}
