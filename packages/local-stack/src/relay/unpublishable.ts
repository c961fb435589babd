// Outbox items no bus can ever accept (a producer's bug: no source, a detail that is not JSON, over
// 256 KB): appended to a JSON-lines file and logged, so the shard moves on and nothing vanishes
// unseen. The item itself also stays in its table until its TTL.
import { mkdir, open } from 'node:fs/promises'
import { dirname } from 'node:path'

export interface UnpublishableRecord {
  table: string
  shardId: string
  sequenceNumber: string
  eventId: string
  reason: string
  item: Record<string, unknown>
}

export interface UnpublishableFile {
  file: string
  add(record: UnpublishableRecord): Promise<void>
}

export function openUnpublishable(file: string): UnpublishableFile {
  return {
    file,
    async add(record) {
      await mkdir(dirname(file), { recursive: true })
      const handle = await open(file, 'a')
      try {
        await handle.writeFile(`${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`, 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
    },
  }
}
