// What every sender of PutEvents (the local relay, benchmarks) shares: the client and the size
// EventBridge counts for an entry. Producers never call EventBridge: their events go through their outbox.
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import { traceAwsCalls } from '@f1/service-kit/aws-tracing'

/** EventBridge's limits for one PutEvents call. */
export const MAX_ENTRIES = 10
export const MAX_BATCH_BYTES = 256 * 1024

/** The size EventBridge counts for an entry (its documented formula). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = 14 // the Time field, counted whether set or not
  for (const value of [entry.Source, entry.DetailType, entry.Detail]) if (value) size += Buffer.byteLength(value)
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource)
  return size
}

/** An EventBridge client; `endpoint` points it at the local bus. Retries are the caller's. */
export function createEventBridgeClient(options: { region: string; endpoint?: string | undefined }): EventBridgeClient {
  const client = new EventBridgeClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
  })
  return traceAwsCalls(client, 'EventBridge')
}
