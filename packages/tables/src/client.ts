// DynamoDB clients for every app: AWS in production, DynamoDB Local when an endpoint is given.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { traceAwsCalls } from '@f1/service-kit/aws-tracing'
import { CONNECT_TIMEOUT_MS } from '@f1/service-kit/connect-timeout'

export interface DynamoClientOptions {
  region: string
  /** Endpoint override (DynamoDB Local); unset in AWS. */
  endpoint?: string | undefined
  /** Per-attempt socket timeout; a stopped DynamoDB must fail fast, never hang a request. */
  requestTimeoutMs?: number
  maxAttempts?: number
  /**
   * The deadline (epoch ms) of the work in progress, if any: every call made while it runs is
   * aborted when it passes, retries included, so a callee always gives up before its caller.
   */
  deadline?: () => number | undefined
}

export interface DynamoClients {
  client: DynamoDBClient
  doc: DynamoDBDocumentClient
}

type Sender = { send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> }

/** Makes `send` abort at the current deadline unless the caller passed a signal of its own. */
function abortAtDeadline(target: Sender, deadline: () => number | undefined): void {
  const send = target.send.bind(target)
  target.send = (command, options) => {
    const at = deadline()
    if (at === undefined || options?.abortSignal) return send(command, options)
    return send(command, { ...options, abortSignal: AbortSignal.timeout(Math.max(1, at - Date.now())) })
  }
}

/** A low-level client and a document client over it, sharing one connection pool. */
export function createDynamoClients(options: DynamoClientOptions): DynamoClients {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // DynamoDB Local accepts any credentials; it is started with -sharedDb so all see one database.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: options.requestTimeoutMs ?? 5_000 },
  })
  // The document client shares this middleware stack, so its calls are traced too.
  traceAwsCalls(client, 'DynamoDB')
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  })
  if (options.deadline) {
    // The document client sends through its own `send` (sharing the middleware and handler), so both are wrapped.
    abortAtDeadline(client, options.deadline)
    abortAtDeadline(doc, options.deadline)
  }
  return { client, doc }
}
