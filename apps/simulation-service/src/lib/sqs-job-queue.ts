// The job queue on SQS (AWS): a message per job, sent before the job's item is stored, says which
// job is next; the lease on the item (job-queue.ts) still decides who runs it. The message's
// visibility follows the lease: hidden for the lease when received, for the lease again on each
// extension, visible at once on a release, deleted with the job. A message whose job is settled is
// deleted; one whose job another runner holds comes back when that lease ends; one whose item never
// came (its submission failed after sending it) is deleted once it is old enough that it never will.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import Type from 'typebox'
import Value from 'typebox/value'
import { createJobLeases, type JobLease, type JobQueue, type JobRef } from './job-queue.ts'

/** A submission stores its job's item within its deadline: a message this old without an item has none. */
export const ORPHAN_AFTER_MS = 120_000
/** How soon a message whose item is not there yet is looked at again. */
const ABSENT_RETRY_S = 5
/** Messages looked at per receive before giving up for this poll (settled or held ones are skipped). */
const RECEIVE_TRIES = 10

const JobMessage = Type.Object({
  job_id: Type.String({ minLength: 1, maxLength: 64 }),
  created_at: Type.String({ minLength: 1, maxLength: 64 }),
})

const seconds = (ms: number) => Math.min(43_200, Math.max(0, Math.ceil(ms / 1000)))

export function createSqsJobQueue(options: {
  sqs: SQSClient
  queueUrl: string
  doc: Parameters<typeof createJobLeases>[0]['doc']
  tableName: string
  now: () => number
  log: { warn(obj: object, msg: string): void }
}): JobQueue {
  const { sqs, queueUrl, now, log } = options
  const { claim, ...leases } = createJobLeases(options)

  const hide = (message: Message, ms: number) =>
    sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds(ms) }),
    )
  const drop = (receipt: string | undefined) => sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt }))

  return {
    async enqueue(job: JobRef) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ job_id: job.jobId, created_at: job.createdAt }) }),
      )
    },

    async receive(owner, leaseMs) {
      for (let tries = 0; tries < RECEIVE_TRIES; tries++) {
        const res = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 1,
            // Long enough to ask every SQS server (a zero wait samples some), short: the runner polls.
            WaitTimeSeconds: 1,
            VisibilityTimeout: seconds(leaseMs),
            MessageSystemAttributeNames: ['SentTimestamp'],
          }),
        )
        const message = res.Messages?.[0]
        if (!message) return undefined
        let body: unknown
        try {
          body = JSON.parse(message.Body ?? '')
        } catch {
          body = undefined
        }
        if (!Value.Check(JobMessage, body)) {
          log.warn({ body: message.Body?.slice(0, 200) }, 'a job message of no job; deleted')
          await drop(message.ReceiptHandle)
          continue
        }
        const claimed = await claim({ jobId: body.job_id, createdAt: body.created_at }, owner, leaseMs)
        if ('lease' in claimed) return { ...claimed.lease, receipt: message.ReceiptHandle! }
        if ('settled' in claimed) await drop(message.ReceiptHandle)
        else if ('heldUntil' in claimed) await hide(message, claimed.heldUntil - now() + 1_000)
        else if (now() - Number(message.Attributes?.SentTimestamp ?? now()) > ORPHAN_AFTER_MS) {
          log.warn({ job_id: body.job_id }, 'a job message whose job was never stored; deleted')
          await drop(message.ReceiptHandle)
        } else await hide(message, ABSENT_RETRY_S * 1000)
      }
      return undefined
    },

    async extend(lease: JobLease, leaseMs: number) {
      const held = await leases.extend(lease, leaseMs)
      if (held && lease.receipt) {
        await hide({ ReceiptHandle: lease.receipt }, leaseMs).catch((err: unknown) =>
          // The item's lease is what counts: a message shown early is claimed by nobody until it runs out.
          log.warn({ err, job_id: lease.jobId }, 'could not extend the job message; the item keeps the lease'),
        )
      }
      return held
    },

    async release(lease: JobLease) {
      await leases.release(lease)
      if (lease.receipt) await hide({ ReceiptHandle: lease.receipt }, 0)
    },

    async delete(lease: JobLease) {
      await leases.delete(lease)
      if (lease.receipt) await drop(lease.receipt)
    },
  }
}
