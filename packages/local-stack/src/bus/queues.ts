// The consumers' event queues, as the CDK app makes them in AWS: for each consumer `<consumer>-events`
// with a redrive policy to `<consumer>-events-dlq`, and simulation-service's job queue, served by the
// local SQS of @f1/events/local-sqs. The bus puts each matched event on its target's queue with
// SendMessage, as EventBridge's SQS target does. Everything queued lives in this process's memory.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { JOB_QUEUE } from '@f1/contracts/jobs'
import { startLocalSqs, type LocalQueueDefinition } from '@f1/events/local-sqs'
import { CONSUMERS, EVENT_QUEUE, eventDeadLetterQueueName, eventQueueName, type Consumer } from '@f1/events/rules'
import type { AttemptResult } from './dead-letters.ts'
import type { BusEvent } from './put-events.ts'

export interface EventQueueUrls {
  queueUrl: string
  deadLetterQueueUrl: string
}

export interface LocalQueues {
  /** The endpoint for the SDK client (`new SQSClient({ endpoint })`), the consumers' SQS_ENDPOINT. */
  endpoint: string
  port: number
  queues: Record<Consumer, EventQueueUrls>
  /** simulation-service's job queue (its SIMULATION_JOB_QUEUE_URL). */
  jobQueueUrl: string
  /** Stops serving; what the queues held is gone. */
  close(): Promise<void>
}

/** The settings a consumer app reads its queue with (packages/events/src/config.ts). */
export function eventQueueEnv(endpoint: string, urls: EventQueueUrls): Record<string, string> {
  return { EVENT_QUEUE_URL: urls.queueUrl, EVENT_DEAD_LETTER_QUEUE_URL: urls.deadLetterQueueUrl, SQS_ENDPOINT: endpoint }
}

export const queueArn = (region: string, account: string, name: string) => `arn:aws:sqs:${region}:${account}:${name}`

/** The real SDK client for the local SQS: dummy credentials, no SDK retries (the caller retries). */
export function localSqsClient(endpoint: string, region: string): SQSClient {
  return new SQSClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
}

/**
 * Puts the event JSON on a queue once (the body EventBridge's SQS target sends). Network errors,
 * throttling and 5xx are worth retrying; any other refusal (the queue does not exist...) is not, as
 * EventBridge does not retry a target that is missing or refuses it.
 */
export async function sendEvent(
  client: SQSClient,
  queueUrl: string,
  event: BusEvent,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<AttemptResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  try {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }), {
      abortSignal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
    })
    return { ok: true }
  } catch (err) {
    if (timeout.aborted) return { ok: false, retryable: true, error: `no answer within ${options.timeoutMs} ms` }
    if (options.signal?.aborted) return { ok: false, retryable: true, error: 'aborted: the bus stopped during the attempt' }
    const e = err as Error & { code?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number } }
    const status = e.$metadata?.httpStatusCode
    if (status === undefined) return { ok: false, retryable: true, error: e.code ?? e.cause?.code ?? e.message }
    return { ok: false, retryable: status >= 500 || /throttl/i.test(e.name), error: `${e.name}: ${e.message}` }
  }
}

/** Serves SQS on `port` (0: a free one) with each consumer's queue and dead-letter queue, and the job queue, created. */
export async function startLocalQueues(options: { port: number; host: string; region: string; account: string }): Promise<LocalQueues> {
  const { region, account } = options
  const withRedrive = (name: string, deadLetterName: string, maxReceiveCount: number, visibilityTimeoutSeconds: number): LocalQueueDefinition[] => [
    { QueueName: deadLetterName, Attributes: { MessageRetentionPeriod: EVENT_QUEUE.retentionSeconds } },
    {
      QueueName: name,
      Attributes: {
        VisibilityTimeout: visibilityTimeoutSeconds,
        MessageRetentionPeriod: EVENT_QUEUE.retentionSeconds,
        RedrivePolicy: JSON.stringify({ maxReceiveCount, deadLetterTargetArn: queueArn(region, account, deadLetterName) }),
      },
    },
  ]
  const sqs = await startLocalSqs({
    ...options,
    inUse: 'is another bus running? Set EVENT_QUEUE_PORT or pass queuePort.',
    queues: [
      ...CONSUMERS.flatMap((consumer) =>
        withRedrive(eventQueueName(consumer), eventDeadLetterQueueName(consumer), EVENT_QUEUE.maxReceiveCount, EVENT_QUEUE.visibilityTimeoutSeconds),
      ),
      ...withRedrive(JOB_QUEUE.name, JOB_QUEUE.deadLetterName, JOB_QUEUE.maxReceiveCount, JOB_QUEUE.visibilityTimeoutSeconds),
    ],
  })
  const queues = Object.fromEntries(
    CONSUMERS.map((consumer) => [
      consumer,
      { queueUrl: sqs.urlOf(eventQueueName(consumer)), deadLetterQueueUrl: sqs.urlOf(eventDeadLetterQueueName(consumer)) },
    ]),
  ) as Record<Consumer, EventQueueUrls>
  return {
    endpoint: sqs.endpoint,
    port: sqs.port,
    queues,
    jobQueueUrl: sqs.urlOf(JOB_QUEUE.name),
    close: () => sqs.close(),
  }
}
