// DynamoDB clients for every app: AWS in production, DynamoDB Local when an endpoint is given.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

export interface DynamoClientOptions {
  region: string
  /** Endpoint override (DynamoDB Local); unset in AWS. */
  endpoint?: string | undefined
  /** Per-attempt socket timeout; a stopped DynamoDB must fail fast, never hang a request. */
  requestTimeoutMs?: number
  maxAttempts?: number
}

export interface DynamoClients {
  client: DynamoDBClient
  doc: DynamoDBDocumentClient
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
    requestHandler: { connectionTimeout: 1_000, requestTimeout: options.requestTimeoutMs ?? 5_000 },
  })
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  })
  return { client, doc }
}
