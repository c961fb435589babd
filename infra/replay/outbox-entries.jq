# Outbox items to PutEvents entries, for replaying what a relay pipe dead-lettered (infra README).
# Input (jq -s): `aws dynamodbstreams get-records` outputs, or `aws dynamodb scan` outputs.
# Arguments: --arg bus <bus name>; for stream records also --arg first_seq / --arg last_seq, the batch's
# sequence numbers from the DLQ message (pass empty strings for scan output).
# Output: the entries in chunks of 10 (the PutEvents maximum), one JSON array per chunk.

# Sequence numbers are decimal strings too long for jq's numbers: compare by length, then as text.
def seq_le($a; $b): ($a | length) < ($b | length) or (($a | length) == ($b | length) and $a <= $b);

def entry: {
  Source: .outbox_source.S,
  DetailType: .outbox_detail_type.S,
  Detail: .outbox_detail.S,
  Time: .outbox_time.S,
  EventBusName: $bus
};

[.[] | .Records // [] | .[]] as $records
| if $last_seq != "" and ($records | map(.dynamodb.SequenceNumber) | any(seq_le($last_seq; .)) | not)
  then error("these records stop before the batch's end sequence number: fetch the next page (NextShardIterator) and pass both files")
  else . end
| [
    ($records[]
      | select(.eventName == "INSERT" and .dynamodb.NewImage.outbox_event_id.S != null)
      | select(seq_le($first_seq; .dynamodb.SequenceNumber) and seq_le(.dynamodb.SequenceNumber; $last_seq))
      | .dynamodb.NewImage),
    (.[] | .Items // [] | .[] | select(.outbox_event_id.S != null))
  ]
| map(entry)
| [range(0; length; 10) as $i | .[$i:$i + 10]]
| .[]
