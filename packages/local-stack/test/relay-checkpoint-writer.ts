// Run by relay-checkpoints.test.ts: advances many shards' checkpoints together, as fast as it can, until killed.
import { openCheckpoints } from '../src/relay/checkpoints.ts'

const [file = '', shards = '1'] = process.argv.slice(2)
const store = await openCheckpoints(file, {
  onWriteError: (err) => {
    console.error(err)
    process.exit(1)
  },
})
let n = Number(store.get('arn:stream', 'shard-0')?.sequenceNumber ?? 0)
for (let round = 0; ; round++) {
  n++
  for (let i = 0; i < Number(shards); i++) store.advance('arn:stream', 'table', `shard-${i}`, String(n).padStart(21, '0'))
  await store.flush()
  // The file exists from here on: the test kills it from now on.
  if (round === 0) process.stdout.write('written\n')
}
