// Where the relay has got to in each shard: in memory, and on disk as one JSON file replaced
// atomically (temp file, fsync, rename, fsync of the directory), so a crash at any instant leaves
// either the previous checkpoints or the new ones, never a torn file.
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ShardCheckpoint {
  /** The last record of the shard whose outbox item (if any) is on the bus, with everything before it. */
  sequenceNumber?: string
  /** Read to its end (a closed shard): its children may be read. */
  done?: true
}

interface StreamCheckpoints {
  table: string
  shards: Record<string, ShardCheckpoint>
}

export interface CheckpointFile {
  version: 1
  updatedAt: string
  /** By stream ARN: a recreated table has a new stream and starts afresh. */
  streams: Record<string, StreamCheckpoints>
}

export interface CheckpointStore {
  readonly file: string
  get(streamArn: string, shardId: string): ShardCheckpoint | undefined
  /** Records that everything up to `sequenceNumber` is on the bus; written to disk soon after. */
  advance(streamArn: string, table: string, shardId: string, sequenceNumber: string): void
  /** Records that a closed shard was read to its end. */
  finish(streamArn: string, table: string, shardId: string): void
  /** Forgets the table's streams not in `listed` (stream ARN -> shard ids listed), and finished shards no longer listed. */
  prune(table: string, listed: ReadonlyMap<string, ReadonlySet<string>>): void
  /** Resolves once everything recorded so far is on disk. */
  flush(): Promise<void>
  /** Files written so far. */
  writes(): number
}

const tempPrefix = (file: string) => `${basename(file)}.tmp-`

/** Replaces `file` with `text` atomically and durably. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `${tempPrefix(file)}${process.pid}`)
  const handle = await open(temp, 'w')
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temp, file)
  // The rename itself is only durable once the directory entry is.
  const dir = await open(dirname(file), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

function isCheckpointFile(value: unknown): value is CheckpointFile {
  if (typeof value !== 'object' || value === null) return false
  const { version, streams } = value as Partial<CheckpointFile>
  return (
    version === 1 &&
    typeof streams === 'object' &&
    streams !== null &&
    Object.values(streams).every((s) => typeof s?.table === 'string' && typeof s.shards === 'object' && s.shards !== null)
  )
}

/** The checkpoints in `file`, none when it does not exist; an unreadable file is an error, never a silent restart. */
export async function readCheckpoints(file: string): Promise<CheckpointFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, updatedAt: new Date(0).toISOString(), streams: {} }
    throw err
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new Error(`${file} is not JSON (${(err as Error).message}); move it away to start again from each shard's trim horizon`, {
      cause: err,
    })
  }
  if (!isCheckpointFile(value)) throw new Error(`${file} is not a relay checkpoint file (version 1); move it away to start again`)
  return value
}

/** Opens the store on `file` (its directory is created), removing temp files a killed writer left. */
export async function openCheckpoints(file: string, options: { onWriteError(err: unknown): void }): Promise<CheckpointStore> {
  await mkdir(dirname(file), { recursive: true })
  for (const name of await readdir(dirname(file))) {
    if (name.startsWith(tempPrefix(file))) await rm(join(dirname(file), name), { force: true })
  }
  const state = await readCheckpoints(file)
  let dirty = false
  let writing: Promise<void> | undefined
  let writes = 0

  async function writeWhileDirty() {
    // Changes made in the same turn (a page's batches, many shards) go in one write.
    await new Promise((resolve) => setImmediate(resolve))
    while (dirty) {
      dirty = false
      state.updatedAt = new Date().toISOString()
      try {
        await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`)
        writes++
      } catch (err) {
        dirty = true
        options.onWriteError(err)
        await sleep(1_000)
      }
    }
  }
  // One writer at a time; changes made while it writes are written by its next round.
  function schedule() {
    dirty = true
    writing ??= writeWhileDirty().finally(() => {
      writing = undefined
      if (dirty) schedule()
    })
  }
  const shardsOf = (streamArn: string, table: string) => (state.streams[streamArn] ??= { table, shards: {} }).shards

  return {
    file,
    get: (streamArn, shardId) => state.streams[streamArn]?.shards[shardId],
    advance(streamArn, table, shardId, sequenceNumber) {
      const shards = shardsOf(streamArn, table)
      shards[shardId] = { ...shards[shardId], sequenceNumber }
      schedule()
    },
    finish(streamArn, table, shardId) {
      const shards = shardsOf(streamArn, table)
      shards[shardId] = { ...shards[shardId], done: true }
      schedule()
    },
    prune(table, listed) {
      let changed = false
      for (const [arn, stream] of Object.entries(state.streams)) {
        if (stream.table !== table) continue
        const shardIds = listed.get(arn)
        if (shardIds === undefined) {
          delete state.streams[arn]
          changed = true
          continue
        }
        for (const [shardId, checkpoint] of Object.entries(stream.shards)) {
          if (checkpoint.done && !shardIds.has(shardId)) {
            delete stream.shards[shardId]
            changed = true
          }
        }
      }
      if (changed) schedule()
    },
    async flush() {
      while (writing) await writing
    },
    writes: () => writes,
  }
}
