// Builds simulation-service on DynamoDB Local tables of this test file's own, with a real usage-service.
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { ulid } from 'ulid'
import { outboxEvents } from '@f1/events/testing'
import { TEST_SERVICE_TOKEN, serviceTokenEnv } from '@f1/service-kit/testing'
import { useTestTables } from '@f1/tables/testing'
import { buildApp as buildUsageService } from '@f1/usage-service/app'
import { loadUsageConfig } from '@f1/usage-service/config'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { loadSimulationConfig } from '../src/config.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const auth = { 'x-service-token': TEST_SERVICE_TOKEN }

/**
 * The app, its table's clients and its config, with a real usage-service
 * (over HTTP, on a table of its own) for the charges; closed when `t` ends.
 */
export async function build(t: TapLike, options: BuildOptions & { env?: Record<string, string> } = {}) {
  const { env, ...buildOptions } = options
  const tables = await useTestTables(t, ['simulations', 'usage'])
  const usage = await buildUsageService(
    loadUsageConfig({
      env: {
        ...serviceTokenEnv('usage-service'),
        DYNAMODB_ENDPOINT: tables.endpoint,
        USER_USAGE_TABLE: tables.names.usage,
        CHARGE_SWEEP_INTERVAL_MS: '0',
      },
    }),
    { logger: false },
  )
  const usageUrl = await usage.listen({ port: 0, host: '127.0.0.1' })
  const config = loadSimulationConfig({
    env: {
      ...serviceTokenEnv('simulation-service'),
      DYNAMODB_ENDPOINT: tables.endpoint,
      SIMULATION_RESULTS_TABLE: tables.names.simulations,
      USAGE_SERVICE_URL: usageUrl,
      PENDING_SWEEP_INTERVAL_MS: '0',
      ...env,
    },
  })
  const app = await buildApp(config, { logger: false, ...buildOptions })
  t.teardown(async () => {
    await app.close()
    await usage.close()
  })

  /** Every raw row stored under a simulation id (the item and any result parts), as DynamoDB holds them. */
  const rawRows = async (simulationId: string) => {
    const rows: Record<string, unknown>[] = []
    let startKey: Record<string, unknown> | undefined
    do {
      const res = await tables.doc.send(
        new QueryCommand({
          TableName: tables.names.simulations,
          KeyConditionExpression: 'simulation_id = :id',
          ExpressionAttributeValues: { ':id': simulationId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      )
      rows.push(...(res.Items ?? []))
      startKey = res.LastEvaluatedKey
    } while (startKey)
    return rows
  }

  /** The events in the service's outbox so far, oldest first (what the relay puts on the bus). */
  const published = () => outboxEvents(tables.doc, tables.names.simulations)

  /** The counts of a user's features today, from usage-service. */
  const counts = async (user: string): Promise<Record<string, number>> => {
    const res = await fetch(`${usageUrl}/users/${user}/usage`, { headers: auth })
    const day = (await res.json()) as { features: Array<{ feature: string; usage_count: number }> }
    return Object.fromEntries(day.features.map((f) => [f.feature, f.usage_count]))
  }

  /** The status of a charge, from usage-service. */
  const chargeStatus = async (user: string, chargeId: string): Promise<string> => {
    const res = await fetch(`${usageUrl}/users/${user}/charges/${chargeId}`, { headers: auth })
    return res.status === 404 ? 'none' : ((await res.json()) as { status: string }).status
  }

  return { app, usage, usageUrl, tables, config, rawRows, published, counts, chargeStatus }
}

/** A user id unique to the calling test. */
export function userId(label = 'u'): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`
}

/** HAM's two-stop at Shanghai 2019 (the reference implementation's base strategy for him). */
export function twoStop() {
  return {
    stints: [
      { start_lap: 0, compound: 'A4', tire_age: 2, refuel_kg: 0 },
      { start_lap: 19, compound: 'A3', tire_age: 0, refuel_kg: 0 },
      { start_lap: 35, compound: 'A4', tire_age: 0, refuel_kg: 0 },
    ],
  }
}

type Mode = 'single' | 'race' | 'monte_carlo'

/** A simulation request body: HAM at Shanghai 2019 on twoStop(), in `mode`, with overrides. */
export function simulationBody(mode: Mode = 'single', over: Record<string, unknown> = {}) {
  return { track_id: 'shanghai', season: 2019, driver: 'HAM', mode, strategy: twoStop(), ...over }
}

/** A clock that moves one second per call, from `start`. */
export function steppingClock(start = '2026-11-26T09:00:00.000Z') {
  let at = Date.parse(start)
  return () => {
    const now = new Date(at)
    at += 1000
    return now
  }
}

/** An operation as the gateway sends it: a fresh ULID and what to charge (a run, and runs for Monte Carlo). */
export function operation(
  charges: Array<{ feature: string; amount: number; limit: number }> = [{ feature: 'simulation_run', amount: 1, limit: 5 }],
) {
  return { id: ulid(), charges }
}
