// A local SQS for the local stack and the tests: local-aws-sqs (an in-process SQS speaking the real
// SDK's JSON protocol, with redrive, visibility and message moves) behind our own HTTP server, with
// the three places where local-aws-sqs 2.0.2 parts from SQS put right (the pollers rely on them; see
// matchSqs and withSystemAttributeNames). Everything it holds lives in this process's memory.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { createRequestHandler } from 'local-aws-sqs'

/** A queue to create at start: CreateQueue's name and attributes. */
export interface LocalQueueDefinition {
  QueueName: string
  Attributes?: Record<string, string | number>
}

export interface LocalSqs {
  /** The endpoint for the SDK client (`new SQSClient({ endpoint })`), an app's SQS_ENDPOINT. */
  endpoint: string
  port: number
  /** The URL of a queue it holds; throws when it holds none of that name. */
  urlOf(name: string): string
  /** Stops serving; what the queues held is gone. */
  close(): Promise<void>
}

interface ReceiveParams {
  VisibilityTimeout?: number
  WaitTimeSeconds?: number
  MaxNumberOfMessages?: number
}
interface QueueRecord {
  MessageId: string
  attributes: { ApproximateReceiveCount?: string }
}
interface QueueInternals {
  ReceiveMessageWaitTimeSeconds: number
  receive(params: ReceiveParams): Promise<Array<{ MessageId: string }>>
  changeVisibility(receiptHandle: string, seconds: unknown): boolean
  newRecord: (record: QueueRecord, delay?: number) => unknown
}

/** Whether the HTTP request being answered was dropped by its client (a consumer killed mid long poll). */
const requestState = new AsyncLocalStorage<{ gone: boolean }>()
const fixed = new WeakSet<object>()

/** Each message the local queues hold, by id, while they hold it. */
const records = new Map<string, WeakRef<QueueRecord>>()
const forget = new FinalizationRegistry<string>((id) => records.delete(id))

/** The message id in a receipt handle of local-aws-sqs (base64 of a random id and `{"MessageId":...}`). */
function messageIdOf(receiptHandle: unknown): string | undefined {
  try {
    const text = Buffer.from(String(receiptHandle), 'base64').toString('utf8')
    return (JSON.parse(text.slice(text.indexOf('{'))) as { MessageId?: string }).MessageId
  } catch {
    return undefined
  }
}

/**
 * Two ways local-aws-sqs 2.0.2 parts from SQS, which the consumers' pollers rely on:
 * - A long poll is answered only once it holds MaxNumberOfMessages or the wait is over (a consumer
 *   asking for 10 would get one event up to 20 s late); SQS answers as soon as it has any. So: short
 *   polls (each ~40 ms) until something comes, the wait ends or the client is gone (so nothing is
 *   received for a consumer that was killed, to come back only after the visibility timeout).
 * - ChangeMessageVisibility counts as a receive, so a consumer that hides a failed message for a while
 *   would see it dead-lettered after half of maxReceiveCount failures. The count is put back.
 */
function matchSqs(queue: QueueInternals) {
  const newRecord = queue.newRecord
  queue.newRecord = (record, delay) => {
    records.set(record.MessageId, new WeakRef(record))
    forget.register(record, record.MessageId)
    return newRecord(record, delay)
  }
  const prototype = Object.getPrototypeOf(queue) as QueueInternals
  if (fixed.has(prototype)) return
  fixed.add(prototype)
  const changeVisibility = prototype.changeVisibility
  prototype.changeVisibility = function (this: QueueInternals, receiptHandle, seconds) {
    const id = messageIdOf(receiptHandle)
    const record = id === undefined ? undefined : records.get(id)?.deref()
    const count = record?.attributes.ApproximateReceiveCount
    const changed = changeVisibility.call(this, receiptHandle, seconds)
    if (record && count !== undefined) record.attributes.ApproximateReceiveCount = count
    return changed
  }
  const receive = prototype.receive
  prototype.receive = async function (this: QueueInternals, params: ReceiveParams) {
    const wait = Number(params.WaitTimeSeconds ?? this.ReceiveMessageWaitTimeSeconds ?? 0)
    const deadline = Date.now() + wait * 1000
    const request = requestState.getStore()
    for (;;) {
      if (request?.gone) return []
      const messages = await receive.call(this, { ...params, WaitTimeSeconds: 0 })
      // One message once per answer, even if a 0 s visibility made it visible again within the poll.
      const unique = messages.filter((m, i) => messages.findLastIndex((other) => other.MessageId === m.MessageId) === i)
      if (unique.length > 0 || Date.now() >= deadline) return unique
    }
  }
}

/**
 * local-aws-sqs reads the system attributes a receive asks for from `AttributeNames` only, which the
 * SDK no longer sends: without this a consumer would never see its messages' ApproximateReceiveCount.
 */
async function withSystemAttributeNames(req: IncomingMessage): Promise<IncomingMessage> {
  if (req.headers['x-amz-target'] !== 'AmazonSQS.ReceiveMessage') return req
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  let body = Buffer.concat(chunks).toString('utf8')
  try {
    const parsed = JSON.parse(body) as { AttributeNames?: string[]; MessageSystemAttributeNames?: string[] }
    if (Array.isArray(parsed.MessageSystemAttributeNames)) {
      parsed.AttributeNames = [...(parsed.AttributeNames ?? []), ...parsed.MessageSystemAttributeNames]
      body = JSON.stringify(parsed)
    }
  } catch {
    // not JSON: local-aws-sqs answers it
  }
  return Object.assign(Readable.from([Buffer.from(body)]), {
    headers: req.headers,
    method: req.method,
    url: req.url,
  }) as unknown as IncomingMessage
}

/** Serves SQS on `port` (0: a free one) with `queues` created; `inUse` words the error when the port is taken. */
export async function startLocalSqs(options: {
  port: number
  host: string
  region: string
  account: string
  queues: LocalQueueDefinition[]
  inUse?: string
}): Promise<LocalSqs> {
  const { host, region, account } = options
  const { service, requestHandler } = createRequestHandler({
    port: options.port,
    hostname: host,
    region,
    accountId: account,
    validateDlqDestination: true,
    // A queue deleted by hand may be made again at once (locally there is nothing to wait for).
    emulateQueueCreationLifecycle: false,
    queues: options.queues,
  })
  const matched = new WeakSet<object>()
  // Queues made since the last request (CreateQueue) get the fixes before they hold a message.
  const matchAll = () => {
    for (const queue of service.Queues) {
      if (matched.has(queue)) continue
      matched.add(queue)
      matchSqs(queue)
    }
  }
  matchAll()

  const server = createServer((req, res) => {
    matchAll()
    const state = { gone: false }
    res.once('close', () => (state.gone = !res.writableFinished))
    requestState.run(state, () => {
      withSystemAttributeNames(req).then(
        (request) => requestHandler(request, res),
        () => res.destroy(),
      )
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' ? new Error(`Port ${options.port} is already in use; ${options.inUse ?? 'pass another port'}`) : err,
      ),
    )
    server.listen(options.port, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  service.PORT = port // the queue URLs name the port it listens on

  let closing: Promise<void> | undefined
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    urlOf(name) {
      const queue = service.Queues.find((q) => q.QueueName === name)
      if (!queue) throw new Error(`The local SQS has no queue ${name}`)
      return queue.QueueUrl
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Long polls under way end now, as they would if the process died.
        server.closeAllConnections()
        service.resetAll()
      })
      return closing
    },
  }
}
