// Builds action-log-service on DynamoDB Local tables of this test file's own.
import { TEST_SERVICE_TOKEN, serviceTokenEnv } from '@f1/service-kit/testing'
import { ulid } from 'ulid'
import { useTestTables } from '@f1/tables/testing'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { loadActionLogConfig } from '../src/config.ts'

export const BUS_SECRET = 'bus-secret-for-action-log-tests'
export const auth = { 'x-service-token': TEST_SERVICE_TOKEN }

export async function build(t: { teardown(fn: () => unknown): void }, options: BuildOptions = {}) {
  const tables = await useTestTables(t, ['actions'])
  const config = loadActionLogConfig({
    env: {
      ...serviceTokenEnv('action-log-service'),
      DYNAMODB_ENDPOINT: tables.endpoint,
      USER_ACTIONS_LOG_TABLE: tables.names.actions,
      EVENT_BUS_SECRET: BUS_SECRET,
    },
  })
  const app = await buildApp(config, { logger: false, ...options })
  t.teardown(() => app.close())
  return { app, tables }
}

let n = 0
/** An EventBridge envelope of a platform event for `userId`. */
export function event(userId: string, detailType: string, source: string, fields: object, at: string) {
  n += 1
  return {
    version: '0',
    id: `evt-${n}-${Math.random().toString(36).slice(2, 8)}`,
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: at,
    region: 'us-east-1',
    resources: [],
    detail: { event_id: ulid(), user_id: userId, occurred_at: at, correlation_id: `req-${n}`, version: 1, ...fields },
  }
}

export const userId = () => `u-${Math.random().toString(36).slice(2, 10)}`
