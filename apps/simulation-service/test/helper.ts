// Builds simulation-service on DynamoDB Local tables of this test file's own, publishing to a fake bus.
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { fakeEventBridge } from '@f1/events/testing'
import { TEST_SERVICE_TOKEN } from '@f1/service-kit/testing'
import { useTestTables } from '@f1/tables/testing'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { loadSimulationConfig } from '../src/config.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const auth = { 'x-service-token': TEST_SERVICE_TOKEN }

/** The app, its table's clients, its config and the bus it publishes to; closed when `t` ends. */
export async function build(t: TapLike, options: BuildOptions = {}) {
  const tables = await useTestTables(t, ['simulations'])
  const bus = await fakeEventBridge(t)
  const config = loadSimulationConfig({
    env: {
      SERVICE_TOKEN: TEST_SERVICE_TOKEN,
      DYNAMODB_ENDPOINT: tables.endpoint,
      SIMULATION_RESULTS_TABLE: tables.names.simulations,
      EVENTBRIDGE_ENDPOINT: bus.url,
    },
  })
  const app = await buildApp(config, { logger: false, ...options })
  t.teardown(() => app.close())

  /** Every raw row stored under a simulation id (the item and any result parts), as DynamoDB holds them. */
  const rawRows = async (simulationId: string) => {
    const rows: Record<string, any>[] = []
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

  /** The events published so far, detail parsed. */
  const published = async () => {
    await app.events.publisher.flush()
    return bus.entries().map((e) => ({ type: e.DetailType, source: e.Source, detail: JSON.parse(e.Detail) as Record<string, unknown> }))
  }

  return { app, tables, config, bus, rawRows, published }
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
