// PutEvents as EventBridge answers it: the same request limits, per-entry errors and messages (as
// recorded from AWS), and the event envelope that rules match and targets receive.

/** The event EventBridge delivers to a target. */
export interface BusEvent {
  version: '0'
  id: string
  'detail-type': string
  source: string
  account: string
  time: string
  region: string
  resources: string[]
  detail: Record<string, unknown>
}

/** An accepted event and the bus it was put on. */
export interface AcceptedEvent {
  busName: string
  event: BusEvent
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string }

export type PutEventsOutcome =
  | { ok: true; response: { FailedEntryCount: number; Entries: PutEventsResultEntry[] }; accepted: AcceptedEvent[] }
  | { ok: false; status: 400; type: string; message: string }

export interface PutEventsContext {
  /** Names of the buses that exist; `default` always exists, as on AWS. */
  buses: ReadonlySet<string>
  account: string
  region: string
  now(): Date
  newId(): string
}

/** PutEvents takes at most 10 entries. */
export const MAX_ENTRIES = 10
/** The total entry size limit, computed as AWS's "Calculating PutEvents event entry size" page describes. */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024

const utf8 = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0)

/** Entry size as AWS documents it: Time counts 14 bytes; Source, DetailType, Detail and each resource their UTF-8 bytes. */
export function entrySize(entry: Record<string, unknown>): number {
  const resources = Array.isArray(entry.Resources) ? entry.Resources : []
  return (
    (entry.Time !== undefined && entry.Time !== null ? 14 : 0) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    resources.reduce((n: number, r) => n + utf8(r), 0)
  )
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
const present = (value: unknown): value is string => typeof value === 'string' && value.length > 0

// The service echoes the request entries as its Java model prints them in the 11-entry error.
function describeEntry(entry: Record<string, unknown>): string {
  const text = (value: unknown) => (value === undefined || value === null ? 'null' : String(value))
  const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000).toISOString() : text(entry.Time)
  const resources = Array.isArray(entry.Resources) ? `[${entry.Resources.map(text).join(', ')}]` : 'null'
  return (
    `PutEventsRequestEntry(time=${time}, source=${text(entry.Source)}, resources=${resources}, detailType=${text(entry.DetailType)}, ` +
    `detail=${text(entry.Detail)}, eventBusName=${text(entry.EventBusName)}, traceHeader=${text(entry.TraceHeader)}, kmsKeyIdentifier=null, internalMetadata=null)`
  )
}

/** `name` or an event-bus ARN (`arn:aws:events:region:account:event-bus/name`) to the bus name. */
export function busNameOf(value: unknown): string {
  if (!present(value)) return 'default'
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(value)
  return arn?.[1] ?? value
}

function eventTime(value: unknown, now: Date): string {
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : now
  // EventBridge's envelope time has second precision: "2017-12-22T18:43:48Z".
  return (Number.isNaN(date.getTime()) ? now : date).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const invalidArgument = (field: string) => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
})

/** Validates a PutEvents request body like EventBridge and builds the accepted events. */
export function putEvents(body: unknown, ctx: PutEventsContext): PutEventsOutcome {
  const entries = asRecord(body).Entries
  if (!Array.isArray(entries)) {
    return {
      ok: false,
      status: 400,
      type: 'ValidationException',
      message: "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    }
  }
  const records = entries.map(asRecord)
  if (records.length === 0 || records.length > MAX_ENTRIES) {
    const constraint =
      records.length === 0
        ? 'Member must have length greater than or equal to 1'
        : `Member must have length less than or equal to ${MAX_ENTRIES}`
    const value = `[${records.map(describeEntry).join(', ')}]`
    return {
      ok: false,
      status: 400,
      type: 'ValidationException',
      message: `1 validation error detected: Value '${value}' at 'entries' failed to satisfy constraint: ${constraint}`,
    }
  }
  if (records.reduce((n, entry) => n + entrySize(entry), 0) > MAX_REQUEST_ENTRY_BYTES) {
    return { ok: false, status: 400, type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' }
  }

  const now = ctx.now()
  const accepted: AcceptedEvent[] = []
  const results = records.map((entry): PutEventsResultEntry => {
    if (!present(entry.Source)) return invalidArgument('Source')
    if (!present(entry.DetailType)) return invalidArgument('DetailType')
    if (!present(entry.Detail)) return invalidArgument('Detail')
    let detail: unknown
    try {
      detail = JSON.parse(entry.Detail)
    } catch {
      detail = undefined
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }
    const busName = busNameOf(entry.EventBusName)
    // Stricter than AWS, which accepts and silently drops events for a bus that does not exist:
    // locally a wrong EVENT_BUS_NAME should be loud.
    if (busName !== 'default' && !ctx.buses.has(busName))
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Event bus ${busName} does not exist.` }
    const id = ctx.newId()
    accepted.push({
      busName,
      event: {
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: ctx.account,
        time: eventTime(entry.Time, now),
        region: ctx.region,
        resources: Array.isArray(entry.Resources) ? entry.Resources.filter((r): r is string => typeof r === 'string') : [],
        detail: detail as Record<string, unknown>,
      },
    })
    return { EventId: id }
  })
  return { ok: true, response: { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }, accepted }
}
