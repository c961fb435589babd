// The consumers' queues as the suite sees them: asked over the bus's SQS endpoint, the way any SQS
// client asks (the JSON protocol of the real SDK), so reading them changes nothing in them.
import { setTimeout as sleep } from 'node:timers/promises'

export interface QueueDepth {
  /** Messages waiting to be received. */
  waiting: number
  /** Received and not yet deleted (being handled, or hidden after a failure). */
  inFlight: number
  /** Sent with a delay that has not passed yet. */
  delayed: number
}

/** GetQueueAttributes of one queue; throws when the endpoint refuses (no such queue, the bus is down). */
export async function queueDepth(endpoint: string, queueUrl: string): Promise<QueueDepth> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueAttributes' },
    body: JSON.stringify({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
    signal: AbortSignal.timeout(5_000),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`GetQueueAttributes ${queueUrl}: ${res.status} ${text}`)
  const attributes = (JSON.parse(text) as { Attributes?: Record<string, string> }).Attributes ?? {}
  return {
    waiting: Number(attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  }
}

/** Polls `queueDepth` until `done` holds (resolves with that depth) or `timeoutMs` passes (resolves with the last one). */
export async function depthWhen(
  endpoint: string,
  queueUrl: string,
  done: (depth: QueueDepth) => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<QueueDepth> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const depth = await queueDepth(endpoint, queueUrl)
    if ((await done(depth)) || Date.now() > deadline) return depth
    await sleep(250)
  }
}

export const empty = (depth: QueueDepth) => depth.waiting === 0 && depth.inFlight === 0 && depth.delayed === 0
