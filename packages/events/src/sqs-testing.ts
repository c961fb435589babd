// Test support: a real SQS API on a free port (local-sqs.ts, the one the local stack runs),
// queues made per test, the envelope of a valid event, and a wait.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { startLocalSqs } from './local-sqs.ts'
import { createSqsClient } from './queue-consumer.ts'

export interface TestQueues {
  endpoint: string
  sqs: SQSClient
  /** A fresh queue and its dead-letter queue (redrive after `maxReceiveCount`). */
  queue(options?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number }): Promise<{ url: string; dlqUrl: string }>
  send(url: string, body: string | object): Promise<void>
  /** Messages on the queue, in flight included. */
  depth(url: string): Promise<number>
  /** Takes up to 10 visible messages with their attributes (they become invisible for 30 s). */
  take(url: string): Promise<Array<{ body: string; attributes: Record<string, string | undefined> }>>
}

export async function sqsServer(t: { teardown(fn: () => unknown): void }): Promise<TestQueues> {
  const local = await startLocalSqs({ port: 0, host: '127.0.0.1', region: 'us-east-1', account: '000000000000', queues: [] })
  const { endpoint } = local
  const sqs = createSqsClient({ region: 'us-east-1', endpoint })
  t.teardown(async () => {
    sqs.destroy()
    await local.close()
  })
  let n = 0
  return {
    endpoint,
    sqs,
    async queue(options = {}) {
      n++
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `q${n}-dlq` }))
      const arn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
      const queue = await sqs.send(
        new CreateQueueCommand({
          QueueName: `q${n}`,
          Attributes: {
            VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 60),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: arn.Attributes?.QueueArn,
              maxReceiveCount: options.maxReceiveCount ?? 10,
            }),
          },
        }),
      )
      return { url: queue.QueueUrl!, dlqUrl: dlq.QueueUrl! }
    },
    async send(url, body) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }))
    },
    async depth(url) {
      // local-aws-sqs counts in-flight messages in ApproximateNumberOfMessages too (AWS counts only visible ones).
      const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))
      return Number(res.Attributes?.ApproximateNumberOfMessages)
    },
    async take(url) {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
      )
      return (res.Messages ?? []).map((m) => ({
        body: m.Body ?? '',
        attributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])),
      }))
    },
  }
}

export function envelope(detailType: string, detail: object, source = 'f1.gateway') {
  return {
    version: '0',
    id: `bus-${detailType}`,
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: '2026-11-26T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  }
}

export const signedIn = (eventId = '01JD00000000000000000000AA') => ({
  event_id: eventId,
  user_id: 'u1',
  occurred_at: '2026-11-26T10:00:00.000Z',
  correlation_id: 'req-1',
  version: 1,
})

/** Polls `check` every 50 ms until it holds or `ms` pass. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return check()
}
