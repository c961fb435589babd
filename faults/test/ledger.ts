// Counting after a scenario: the state changes committed in its window, the events their outboxes
// hold, which of them the action log has (delivered), which are missing anywhere (lost), and any
// effect applied twice (duplicate effects). Read straight from the tables, not from what clients saw.
import { setTimeout as sleep } from 'node:timers/promises'
import { isChargeKey, isStripeEventMarkerKey, isUserMarker } from '@f1/tables/keys'
import { OUTBOX_TABLE_IDS } from '@f1/tables/outbox'
import type { Stack } from './stack.ts'

export interface OutboxedEvent {
  eventId: string
  type: string
  at: number
  detail: Record<string, unknown>
}

export interface Tally {
  committed: number
  delivered: number
  lost: number
  duplicates: number
  /** What was lost or doubled, for the failure message. */
  problems: string[]
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
/** The millisecond time a ULID was made. */
export function ulidTime(id: string): number {
  let ms = 0
  for (const char of id.slice(0, 10)) ms = ms * 32 + CROCKFORD.indexOf(char)
  return ms
}

/** Every event in every outbox table. */
export async function outboxed(stack: Stack): Promise<OutboxedEvent[]> {
  const events: OutboxedEvent[] = []
  for (const table of OUTBOX_TABLE_IDS) {
    for (const item of await stack.scan(table)) {
      if (typeof item.outbox_event_id !== 'string') continue
      events.push({
        eventId: item.outbox_event_id,
        type: String(item.outbox_detail_type),
        at: ulidTime(item.outbox_event_id),
        detail: JSON.parse(String(item.outbox_detail)) as Record<string, unknown>,
      })
    }
  }
  return events
}

/** How often the action log holds each event id (its sort key is `<time>#<event id>`). */
async function actionCounts(stack: Stack): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const row of await stack.scan('actions')) {
    const id = String(row.timestamp).split('#')[1] ?? ''
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

/** The outbox events made so far that the action log does not hold (yet). */
export async function notLogged(stack: Stack): Promise<OutboxedEvent[]> {
  const [events, actions] = await Promise.all([outboxed(stack), actionCounts(stack)])
  return events.filter((e) => !actions.has(e.eventId))
}

/** Waits until every outbox event made so far is in the action log; false when `timeoutMs` passes first. */
export async function everyEventLogged(stack: Stack, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [events, actions] = await Promise.all([outboxed(stack), actionCounts(stack)])
    if (events.every((e) => actions.has(e.eventId))) return true
    if (Date.now() > deadline) return false
    await sleep(500)
  }
}

const inWindow = (iso: unknown, from: number, to: number) => {
  const ms = Date.parse(String(iso))
  return ms >= from && ms <= to
}

/** The tally of the window [from, to]. */
export async function tally(stack: Stack, from: number, to: number): Promise<Tally> {
  const problems: string[] = []
  const all = await outboxed(stack)
  const events = all.filter((e) => e.at >= from && e.at <= to)
  const actions = await actionCounts(stack)
  const ofType = (type: string) => events.filter((e) => e.type === type)
  const idsOf = (type: string, field: string) => new Map(ofType(type).map((e) => [String(e.detail[field]), e]))

  // State changes and the event each must have written with it.
  const registered = idsOf('User Registered', 'user_id')
  const profiles = (await stack.scan('legacy')).filter((i) => i.type === 'user' && inWindow(i.created_at, from, to))
  for (const p of profiles) if (!registered.has(String(p.user_id))) problems.push(`profile ${String(p.user_id)} without User Registered`)
  const completed = ofType('Simulation Completed')
  const completedIds = new Map<string, number>()
  for (const e of completed) completedIds.set(String(e.detail.simulation_id), (completedIds.get(String(e.detail.simulation_id)) ?? 0) + 1)
  const simulations = (await stack.scan('simulations')).filter(
    (i) => typeof i.user_id === 'string' && !i.outbox_event_id && inWindow(i.created_at, from, to),
  )
  for (const s of simulations)
    if (!completedIds.has(String(s.simulation_id))) problems.push(`simulation ${String(s.simulation_id)} without Simulation Completed`)
  const subscriptionMarkers = (await stack.scan('subscriptions')).filter(
    (i) => isStripeEventMarkerKey(String(i.subscription_id)) && inWindow(i.event_created_at, from, to),
  )
  const subscriptionEvents = events.filter((e) => e.type.startsWith('Subscription '))
  if (subscriptionEvents.length < subscriptionMarkers.length)
    problems.push(`${subscriptionMarkers.length} webhooks applied, ${subscriptionEvents.length} subscription events`)
  const markers = (await stack.scan('migration')).filter((i) => isUserMarker(i) && inWindow(i.migrated_at, from, to))
  const migrated = idsOf('User Migrated', 'user_id')
  for (const m of markers) if (!migrated.has(String(m.user_id))) problems.push(`user ${String(m.user_id)} migrated without User Migrated`)
  // Sign-ins and refusals change no state of their own: their outbox events are their record.
  const committed =
    profiles.length +
    simulations.length +
    subscriptionMarkers.length +
    markers.length +
    ofType('User Signed In').length +
    ofType('Simulation Failed').length
  const lostState = problems.length

  // Delivery: every event of the window in the action log, once.
  const undelivered = events.filter((e) => !actions.has(e.eventId))
  for (const e of undelivered.slice(0, 5)) problems.push(`${e.type} ${e.eventId} never reached the action log`)
  let duplicates = 0
  for (const e of events) duplicates += Math.max(0, (actions.get(e.eventId) ?? 0) - 1)
  for (const [id, count] of completedIds) {
    if (count <= 1) continue
    duplicates += count - 1
    problems.push(`simulation ${id} completed ${count} times`)
  }
  const migratedTwice = ofType('User Migrated').length - migrated.size
  if (migratedTwice > 0) {
    duplicates += migratedTwice
    problems.push(`${migratedTwice} users migrated twice`)
  }
  return { committed, delivered: events.length - undelivered.length, lost: lostState + undelivered.length, duplicates, problems }
}

/**
 * Quota is an effect too: every simulation_run counter holds exactly its committed charges (a refund
 * applied twice, or a charge applied twice, would break it). Checked over the whole run.
 */
export async function quotaMismatches(stack: Stack): Promise<string[]> {
  const rows = await stack.scan('usage')
  const counted = new Map<string, number>()
  for (const row of rows) if (row.feature_name === 'simulation_run') counted.set(String(row.user_id), Number(row.usage_count))
  const charged = new Map<string, number>()
  for (const row of rows) {
    if (!isChargeKey(String(row.feature_date_key)) || row.status !== 'committed') continue
    const lines = row.lines as Array<{ feature: string; amount: number }>
    for (const line of lines)
      if (line.feature === 'simulation_run') charged.set(String(row.user_id), (charged.get(String(row.user_id)) ?? 0) + line.amount)
  }
  const problems: string[] = []
  for (const user of new Set([...counted.keys(), ...charged.keys()])) {
    if ((counted.get(user) ?? 0) !== (charged.get(user) ?? 0))
      problems.push(`user ${user}: counted ${counted.get(user) ?? 0}, committed ${charged.get(user) ?? 0}`)
  }
  const held = rows.filter((row) => isChargeKey(String(row.feature_date_key)) && row.status === 'held')
  if (held.length > 0) problems.push(`${held.length} charges still held`)
  return problems
}
