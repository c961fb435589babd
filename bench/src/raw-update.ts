// The baseline of the usage paths: exactly the conditional UpdateItem usage-service sends for a
// consume, straight to DynamoDB, with no HTTP or service in between.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { featureDateKey, utcDay } from '@f1/tables/keys'

/** The largest limit the consume body accepts: the benches never run into it. */
export const BENCH_LIMIT = 10_000_000

/** An op for `closedLoop`: the i-th update goes to one of `users` counters of today. */
export function rawConsumeUpdate(doc: DynamoDBDocumentClient, tableName: string, users: number): (i: number) => Promise<boolean> {
  const key = featureDateKey('api_request', utcDay(new Date()))
  return async (i) => {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { user_id: `raw-${i % users}`, feature_date_key: key },
        UpdateExpression: 'SET feature_name = :f, reset_date = :r, limit_value = :l, expires_at = :e ADD usage_count :a',
        ConditionExpression: 'attribute_not_exists(usage_count) OR usage_count <= :max',
        ExpressionAttributeValues: { ':f': 'api_request', ':r': 'x', ':l': BENCH_LIMIT, ':e': 0, ':a': 1, ':max': BENCH_LIMIT - 1 },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    )
    return true
  }
}
