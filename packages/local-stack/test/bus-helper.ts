// Shared pieces of the bus tests: a consumer stand-in polling its queue, the real EventBridge and SQS
// SDK clients, a bus on free ports.
import { setTimeout as sleep } from 'node:timers/promises'
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import type t from 'tap'
import type { Consumer, EventRule } from '@f1/events/rules'
import { localSqsClient } from '../src/bus/queues.ts'
import { startLocalBus, type LocalBus, type LocalBusOptions } from '../src/bus/server.ts'

// The SDK's notice that Node 20 support ends in 2027 would otherwise open every test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

export const BUS = 'f1-events-test'

/** One message a consumer received from its queue. */
export interface Received {
  messageId: string
  /** Its ApproximateReceiveCount. */
  receiveCount: number
  /** The message body: the EventBridge event. */
  body: Record<string, unknown>
}

export interface Target {
  consumer: Consumer
  received: Received[]
  /** Resolves when `count` messages have been received in total. */
  waitFor(count: number): Promise<void>
  /** Resolves once its queue is empty and nothing is being handled. */
  drained(): Promise<void>
  close(): Promise<void>
}

/** The real SQS client for a bus's queues. */
export const queueClient = (bus: Pick<LocalBus, 'sqsEndpoint'>): SQSClient => localSqsClient(bus.sqsEndpoint, 'us-east-1')

/** Messages waiting and in flight in a queue. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ waiting: number; inFlight: number }> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return { waiting: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) }
}

/**
 * A consumer stand-in that long-polls `consumer`'s queue of `bus()` (the bus of the moment: it may be
 * restarted on the same ports), records each message, and deletes it when `answer` (default true)
 * says it was handled, else makes it visible again at once. A bus that is down is polled again.
 */
export async function startQueueConsumer(
  bus: () => LocalBus,
  options: { consumer?: Consumer; answer?: (received: Received, index: number) => boolean | Promise<boolean> } = {},
): Promise<Target> {
  const consumer = options.consumer ?? 'action-log-service'
  const received: Received[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const sqs = queueClient(bus())
  const queueUrl = bus().queues[consumer].queueUrl
  let running = true
  let handling = 0
  const stop = new AbortController()
  const loop = (async () => {
    while (running) {
      let messages
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: stop.signal },
        )
        messages = out.Messages ?? []
      } catch {
        if (running) await sleep(50) // the bus is down, or stopping
        continue
      }
      handling += messages.length
      for (const message of messages) {
        const request: Received = {
          messageId: message.MessageId ?? '',
          receiveCount: Number(message.Attributes?.ApproximateReceiveCount),
          body: JSON.parse(message.Body ?? '') as Record<string, unknown>,
        }
        const index = received.push(request) - 1
        for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve()
        const handled = (await options.answer?.(request, index)) ?? true
        const { ReceiptHandle } = message
        await (
          handled
            ? sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle }))
            : sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle, VisibilityTimeout: 0 }))
        ).catch(() => undefined) // the bus went away: the message went with it
        handling--
      }
    }
  })()
  return {
    consumer,
    received,
    waitFor: (count) => (received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    async drained() {
      for (;;) {
        await bus().idle()
        const depth = await queueDepth(sqs, queueUrl).catch(() => undefined)
        if (depth && depth.waiting === 0 && depth.inFlight === 0 && handling === 0) return
        await sleep(20)
      }
    },
    async close() {
      running = false
      stop.abort()
      await loop
      sqs.destroy()
    },
  }
}

/** The real SDK client, pointed at the local bus with dummy credentials and no SDK retries. */
export function sdkClient(endpoint: string, region = 'us-east-1'): EventBridgeClient {
  return new EventBridgeClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
}

/** One PutEvents entry for the test bus; a User Signed In from the gateway unless overridden. */
export function entry(overrides: Partial<PutEventsRequestEntry> = {}, detail: Record<string, unknown> = {}): PutEventsRequestEntry {
  return {
    Source: 'f1.gateway',
    DetailType: 'User Signed In',
    Detail: JSON.stringify({
      event_id: '01JD00000000000000000000AA',
      user_id: 'u-1',
      occurred_at: '2025-01-01T00:00:00.000Z',
      correlation_id: 'req-1',
      version: 1,
      ...detail,
    }),
    EventBusName: BUS,
    ...overrides,
  }
}

export function rule(name: string, eventPattern: EventRule['eventPattern'], target: EventRule['target'] = 'action-log-service'): EventRule {
  return { name, description: name, eventPattern, target }
}

/** Every f1.gateway event to the action log, as a one-rule bus. */
export const GATEWAY_RULES: EventRule[] = [rule('gateway-to-action-log', { source: ['f1.gateway'] })]

/** Small, fast retries for tests. */
export const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 5_000, requestTimeoutMs: 1_000 }

/** The `t` a subtest callback receives. */
export type TapTest = Parameters<Parameters<typeof t.test>[0]>[0]

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection, the promise resolved')
}

/** A bus on free ports, its rules given, dead letters in a fresh test directory; closed at teardown. */
export async function startTestBus(t: TapTest, options: Partial<LocalBusOptions> = {}): Promise<LocalBus> {
  const bus = await startLocalBus({
    port: 0,
    queuePort: 0,
    busName: BUS,
    rules: GATEWAY_RULES,
    // t.testdir() empties the directory on each call: only ask for it when none is given.
    deadLetterDir: options.deadLetterDir ?? t.testdir(),
    retry: FAST_RETRY,
    region: 'us-east-1',
    env: {},
    ...options,
  })
  t.teardown(() => bus.close({ graceMs: 100 }))
  return bus
}

/** A bus and a consumer stand-in on its action-log-service queue, both closed at teardown. */
export async function startBusAndConsumer(
  t: TapTest,
  options: Partial<LocalBusOptions> = {},
  consumer: Parameters<typeof startQueueConsumer>[1] = {},
): Promise<{ bus: LocalBus; target: Target }> {
  const bus = await startTestBus(t, options)
  const target = await startQueueConsumer(() => bus, consumer)
  t.teardown(() => target.close())
  return { bus, target }
}
