// The DynamoDB and DynamoDB Streams calls the relay makes, behind one small interface so a test can
// wrap the real one to inject faults (an expired iterator) or replace it (shards that split).
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams'
import { CONNECT_TIMEOUT_MS } from '@f1/service-kit/connect-timeout'

export type StreamRecord = _Record
export type { Shard }

export interface StreamApi {
  /** The table's current stream, undefined when it has none. */
  latestStreamArn(table: string): Promise<string | undefined>
  /** Every shard of the stream (all DescribeStream pages). */
  listShards(streamArn: string): Promise<Shard[]>
  /** An iterator after `after` (a sequence number), else at the trim horizon. */
  shardIterator(request: { streamArn: string; shardId: string; after?: string | undefined }): Promise<string | undefined>
  /** One GetRecords call; `next` is undefined once a closed shard has been read to its end. */
  records(iterator: string): Promise<{ records: StreamRecord[]; next: string | undefined }>
  close(): void
}

/** GetRecords returns at most this many records (the API's maximum). */
export const RECORDS_PER_CALL = 1_000

/** The real API through the AWS SDK; DynamoDB Local when `endpoint` is set. */
export function sdkStreamApi(options: { endpoint?: string | undefined; region: string; requestTimeoutMs?: number }): StreamApi {
  const config = {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // The relay retries forever itself; the SDK's own retries would only hide an outage for longer.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: options.requestTimeoutMs ?? 5_000 },
  }
  const dynamodb = new DynamoDBClient(config)
  const streams = new DynamoDBStreamsClient(config)
  return {
    async latestStreamArn(table) {
      const out = await dynamodb.send(new DescribeTableCommand({ TableName: table }))
      return out.Table?.StreamSpecification?.StreamEnabled ? out.Table.LatestStreamArn : undefined
    },
    async listShards(streamArn) {
      const shards: Shard[] = []
      let start: string | undefined
      do {
        const out = await streams.send(
          new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
        )
        shards.push(...(out.StreamDescription?.Shards ?? []))
        start = out.StreamDescription?.LastEvaluatedShardId
      } while (start)
      return shards
    },
    async shardIterator({ streamArn, shardId, after }) {
      const out = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        }),
      )
      return out.ShardIterator
    },
    async records(iterator) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: RECORDS_PER_CALL }))
      return { records: out.Records ?? [], next: out.NextShardIterator }
    },
    close() {
      dynamodb.destroy()
      streams.destroy()
    },
  }
}

/** The SDK's exception name of an error (also what a fake throws), for the cases the relay handles. */
export function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : ''
}
