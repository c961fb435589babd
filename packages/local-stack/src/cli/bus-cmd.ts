// `f1-local bus` (the local EventBridge-compatible bus and the consumers' queues, in the foreground),
// `f1-local bus queues|peek|redrive` (the consumers' queues and dead-letter queues of a running bus,
// over its SQS endpoint) and `f1-local dlq list|replay` (the events the bus could not put on a queue,
// read from its dead-letter file, so listing works whether the bus runs or not).
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEAD_LETTER_ATTRIBUTES } from '@f1/events/queue-consumer'
import { CONSUMERS, eventDeadLetterQueueName, eventQueueName, type Consumer } from '@f1/events/rules'
import { intOption, parseCliArgs, UsageError } from '@f1/service-kit/cli-args'
import { busSettingsFromEnv } from '../bus/config.ts'
import { openDeadLetterStore, summarize, type ReplayFilter } from '../bus/dead-letters.ts'
import { DEFAULT_RETRY } from '../bus/delivery.ts'
import { jsonLineLogger } from '../bus/logger.ts'
import { localSqsClient, sendEvent } from '../bus/queues.ts'
import { startLocalBus } from '../bus/server.ts'
import { formatLogLine } from '../log-format.ts'
import { onShutdownSignal } from './signals.ts'

const BUS_USAGE = `Usage: f1-local bus [--port N] [--queue-port N] [--dir DIR] [--verbose]
       f1-local bus queues [--json] [--endpoint URL]
       f1-local bus peek CONSUMER [--max N] [--json] [--endpoint URL]
       f1-local bus redrive (CONSUMER | --all) [--endpoint URL]

  (no command)  run the bus and the consumers' queues in the foreground; queued events live in its memory
  --port N        PutEvents on N, 0 for any free port (default EVENT_BUS_PORT, else 4010)
  --queue-port N  the consumers' queues (SQS) on N, 0 for any free port (default EVENT_QUEUE_PORT, else 4011)
  --dir DIR       the dead-letter file's directory (default EVENT_BUS_DEAD_LETTER_DIR, else <repo>/.local/bus)
  --verbose       debug lines too

  queues   each consumer's queue: events waiting, being handled, and in its dead-letter queue
  peek     the events in CONSUMER's dead-letter queue (left there), at most --max (default 10)
  redrive  moves CONSUMER's (or every consumer's) dead-letter queue back to its queue (StartMessageMoveTask)
  --endpoint URL  the running bus's SQS (default SQS_ENDPOINT, else http://127.0.0.1:<EVENT_QUEUE_PORT or 4011>)

  CONSUMER: ${CONSUMERS.join(', ')}
`

export async function runBus(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    options: {
      port: { type: 'string' },
      'queue-port': { type: 'string' },
      dir: { type: 'string' },
      verbose: { type: 'boolean' },
      endpoint: { type: 'string' },
      json: { type: 'boolean' },
      max: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  })
  if (values.help) {
    process.stdout.write(BUS_USAGE)
    return 0
  }
  const [action, ...rest] = positionals
  if (action !== undefined) return runQueueCommand(action, rest, values)

  const port = intOption(values.port, 'port', 0, 65535)
  const queuePort = intOption(values['queue-port'], 'queue-port', 0, 65535)
  const bus = await startLocalBus({
    ...(port === undefined ? {} : { port }),
    ...(queuePort === undefined ? {} : { queuePort }),
    ...(values.dir === undefined ? {} : { deadLetterDir: values.dir }),
    logger: jsonLineLogger((line) => process.stdout.write(`${formatLogLine(line)}\n`), { verbose: values.verbose ?? false }),
  })
  onShutdownSignal(() => bus.close())
  console.log(
    `Local EventBridge bus "${bus.busName}" on ${bus.url} (EVENTBRIDGE_ENDPOINT=${bus.url}); the consumers' queues on ${bus.sqsEndpoint} ` +
      `(SQS_ENDPOINT=${bus.sqsEndpoint}, in memory: stopping the bus loses what they hold); dead letters in ${bus.deadLetters.file}. Ctrl-C stops it.`,
  )
  await new Promise(() => {})
  return 0
}

function consumerArg(name: string | undefined): Consumer {
  if (name === undefined) throw new UsageError(`Name a consumer: ${CONSUMERS.join(', ')}`)
  if (!(CONSUMERS as readonly string[]).includes(name)) throw new UsageError(`Unknown consumer '${name}' (one of ${CONSUMERS.join(', ')})`)
  return name as Consumer
}

interface QueueFigures {
  url: string
  arn: string
  waiting: number
  inFlight: number
}

async function queueFigures(sqs: SQSClient, name: string): Promise<QueueFigures> {
  const { QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }))
  if (!url) throw new Error(`No queue ${name}`)
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return {
    url,
    arn: a.QueueArn ?? '',
    waiting: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
  }
}

/** Every message of a queue, up to `max`, left in it: received hidden for a moment, then made visible again. */
async function peekQueue(sqs: SQSClient, url: string, max: number): Promise<Message[]> {
  const seen: Message[] = []
  try {
    while (seen.length < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, max - seen.length),
          VisibilityTimeout: 30,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      )
      if (Messages.length === 0) break
      seen.push(...Messages)
    }
  } finally {
    for (const message of seen) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }))
    }
  }
  return seen
}

/** Starts a move of the dead-letter queue back to its source queue and waits for it to finish. */
async function redrive(sqs: SQSClient, consumer: Consumer): Promise<string> {
  const dlq = await queueFigures(sqs, eventDeadLetterQueueName(consumer))
  if (dlq.waiting === 0) return `${consumer}: its dead-letter queue is empty${dlq.inFlight ? ` (${dlq.inFlight} being peeked)` : ''}`
  // The destination named: the consumer itself may have put an event there (one that broke its contract).
  const queue = await queueFigures(sqs, eventQueueName(consumer))
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: queue.arn }))
  const deadline = Date.now() + 60_000
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 1 }))
    const task = Results[0]
    if (task && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') {
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0
      if (task.Status !== 'COMPLETED')
        throw new Error(`${consumer}: the move ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}`)
      return `${consumer}: ${moved} event(s) moved from ${eventDeadLetterQueueName(consumer)} back to ${eventQueueName(consumer)}`
    }
    if (Date.now() > deadline) throw new Error(`${consumer}: the move is still running after 60 s`)
    await sleep(200)
  }
}

async function runQueueCommand(
  action: string,
  rest: string[],
  values: { endpoint?: string | undefined; json?: boolean | undefined; max?: string | undefined; all?: boolean | undefined },
): Promise<number> {
  const settings = busSettingsFromEnv(process.env)
  const endpoint = (values.endpoint ?? settings.sqsEndpoint).replace(/\/+$/, '')
  const sqs = localSqsClient(endpoint, settings.region)
  const [extra] = action === 'queues' ? rest : rest.slice(1)
  if (extra !== undefined) throw new UsageError(`Unexpected argument '${extra}'`)
  try {
    if (action === 'queues') {
      for (const consumer of CONSUMERS) {
        const queue = await queueFigures(sqs, eventQueueName(consumer))
        const dlq = await queueFigures(sqs, eventDeadLetterQueueName(consumer))
        if (values.json) console.log(JSON.stringify({ consumer, queue, deadLetterQueue: dlq }))
        else
          console.log(
            `${consumer.padEnd(20)} ${queue.waiting} waiting, ${queue.inFlight} being handled; ${dlq.waiting + dlq.inFlight} in its dead-letter queue\n` +
              `${' '.repeat(21)}${queue.url}\n${' '.repeat(21)}${dlq.url}`,
          )
      }
      return 0
    }
    if (action === 'peek') {
      const consumer = consumerArg(rest[0])
      const max = intOption(values.max, 'max', 1, 1000) ?? 10
      const { url } = await queueFigures(sqs, eventDeadLetterQueueName(consumer))
      const messages = await peekQueue(sqs, url, max)
      for (const message of messages) {
        let event: Record<string, unknown> = {}
        try {
          event = JSON.parse(message.Body ?? '') as Record<string, unknown>
        } catch {
          // not an event: shown as it is
        }
        const sent = new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString()
        // Why it is there, when the consumer moved it itself (an event that breaks its contract).
        const error = message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.error]?.StringValue
        if (values.json)
          console.log(
            JSON.stringify({
              messageId: message.MessageId,
              sentAt: sent,
              ...(error ? { error } : {}),
              event: event.id ? event : message.Body,
            }),
          )
        else
          console.log(
            (event.id
              ? `${String(event.id)}  ${String(event.source)} / ${String(event['detail-type'])}  time ${String(event.time)}  (message ${message.MessageId}, sent ${sent})`
              : `message ${message.MessageId}, sent ${sent}: ${message.Body?.slice(0, 200)}`) + (error ? `\n    error: ${error}` : ''),
          )
      }
      if (!values.json)
        console.log(
          messages.length === 0
            ? `No events in ${eventDeadLetterQueueName(consumer)}.`
            : `${messages.length} event(s) in ${eventDeadLetterQueueName(consumer)}${messages.length === max ? ` (the first ${max}; --max N shows more)` : ''}; \`f1-local bus redrive ${consumer}\` moves them back to its queue.`,
        )
      return 0
    }
    if (action === 'redrive') {
      if ((rest[0] === undefined) === (values.all !== true)) throw new UsageError('redrive takes a consumer or --all')
      const consumers = values.all ? CONSUMERS : [consumerArg(rest[0])]
      for (const consumer of consumers) console.log(await redrive(sqs, consumer))
      return 0
    }
    throw new UsageError(`Unknown command 'bus ${action}' (queues, peek, redrive, or none to run the bus)`)
  } catch (err) {
    if (err instanceof UsageError) throw err
    const e = err as Error & { code?: string; cause?: { code?: string } }
    if ((e.code ?? e.cause?.code) === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message)) {
      console.error(
        `No local SQS answers at ${endpoint}: is \`f1-local dev\` or \`f1-local bus\` running? (--endpoint URL or SQS_ENDPOINT names another)`,
      )
      return 1
    }
    throw err
  } finally {
    sqs.destroy()
  }
}

const DLQ_USAGE = `Usage: f1-local dlq list [--json] [--dir DIR]
       f1-local dlq replay (--id ID | --all) [--dir DIR] [--endpoint URL]
  The events the bus could not put on their consumer's queue (its dead-letter file).
  --id ID        a dead-letter id or an event id (every dead letter of that event)
  --dir DIR      the dead-letter directory (default EVENT_BUS_DEAD_LETTER_DIR, else <repo>/.local/bus)
  --endpoint URL replay puts them on the queues of the running bus at URL (default SQS_ENDPOINT, else http://127.0.0.1:<EVENT_QUEUE_PORT or 4011>)
`

export async function runDlq(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    options: {
      dir: { type: 'string' },
      json: { type: 'boolean' },
      id: { type: 'string' },
      all: { type: 'boolean' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  })
  if (values.help) {
    process.stdout.write(DLQ_USAGE)
    return 0
  }
  const [action, ...extra] = positionals
  if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'`)
  const settings = busSettingsFromEnv(process.env)
  const store = openDeadLetterStore(values.dir ?? settings.deadLetterDir)

  if (action === 'list') {
    let count = 0
    for await (const record of store.entries()) {
      count++
      const s = summarize(record)
      if (values.json) console.log(JSON.stringify(s))
      else
        console.log(
          `${s.id}  ${s.deadLetteredAt}  ${s.rule} -> ${s.target}  attempts=${s.attempts}  ${s.source} / ${s.detailType} (event ${s.eventId})\n    last error: ${s.lastError}`,
        )
    }
    if (!values.json) console.log(count === 0 ? `No dead letters in ${store.file}.` : `${count} dead letter(s) in ${store.file}.`)
    return 0
  }

  if (action === 'replay') {
    if ((values.id === undefined) === (values.all !== true)) {
      process.stderr.write(DLQ_USAGE)
      return 2
    }
    const filter: ReplayFilter = values.id === undefined ? { all: true } : { id: values.id }
    const sqs = localSqsClient((values.endpoint ?? settings.sqsEndpoint).replace(/\/+$/, ''), settings.region)
    const queueUrls = new Map<string, string>()
    const report = await store
      .replay(filter, async (record) => {
        if (!(CONSUMERS as readonly string[]).includes(record.target))
          return { ok: false, retryable: false, error: `${record.target} is not a consumer` }
        let url = queueUrls.get(record.target)
        if (url === undefined) {
          try {
            url = (await sqs.send(new GetQueueUrlCommand({ QueueName: eventQueueName(record.target as Consumer) }))).QueueUrl ?? ''
          } catch (err) {
            const e = err as Error & { code?: string; cause?: { code?: string } }
            return { ok: false, retryable: true, error: e.code ?? e.cause?.code ?? `${e.name}: ${e.message}` }
          }
          queueUrls.set(record.target, url)
        }
        return sendEvent(sqs, url, record.event, { timeoutMs: DEFAULT_RETRY.requestTimeoutMs })
      })
      .finally(() => sqs.destroy())
    for (const id of report.delivered) console.log(`put on its queue  ${id}`)
    for (const { id, error } of report.failed) console.log(`failed           ${id}  ${error}`)
    if (report.attempted === 0) {
      console.log(values.id === undefined ? `No dead letters in ${store.file}.` : `No dead letter with id ${values.id} in ${store.file}.`)
      return values.id === undefined ? 0 : 1
    }
    console.log(`${report.delivered.length} put on their queue and removed, ${report.failed.length} still failing (kept).`)
    return report.failed.length === 0 ? 0 : 1
  }

  process.stderr.write(DLQ_USAGE)
  return 2
}
