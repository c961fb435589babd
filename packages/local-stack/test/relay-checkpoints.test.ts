import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { openCheckpoints, readCheckpoints } from '../src/relay/checkpoints.ts'
import { startRelay } from '../src/relay/relay.ts'

const WRITER = join(import.meta.dirname, 'relay-checkpoint-writer.ts')
const SHARDS = 3_000

// The SDK's notice that Node 20 support ends in 2027 would otherwise open the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/** Starts the writer, waits until it has written once, kills it with SIGKILL after `ms`; true when it left a temp file (killed mid-write). */
async function killWriterAfter(file: string, ms: number): Promise<boolean> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, String(SHARDS)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)))
  })
  await sleep(ms)
  child.kill('SIGKILL')
  await exited
  const names = await readdir(join(file, '..'))
  return names.some((name) => name.includes('.tmp-'))
}

t.test(
  'a checkpoint writer killed with SIGKILL at any instant leaves the previous or the next checkpoints, never a torn file',
  async (t) => {
    const file = join(t.testdir(), 'checkpoints.json')
    let previous = 0
    let midWrite = 0
    const rounds = 12
    for (let round = 0; round < rounds; round++) {
      if (await killWriterAfter(file, 20 + Math.floor(Math.random() * 200))) midWrite++
      const checkpoints = await readCheckpoints(file)
      const shards = Object.values(checkpoints.streams['arn:stream']?.shards ?? {})
      const values = new Set(shards.map((s) => s.sequenceNumber))
      if (shards.length !== SHARDS || values.size !== 1) {
        t.fail(`round ${round}: ${shards.length} shards with ${values.size} different checkpoints`)
        continue
      }
      const n = Number([...values][0])
      t.ok(n >= previous, `round ${round}: checkpoint ${n} is a whole write, not older than ${previous}`)
      previous = n
    }
    // Typically 2 to 4 of 12: the next test covers that case deterministically.
    t.comment(`${midWrite} of ${rounds} kills left a temp file behind (killed between writing it and the rename)`)
  },
)

t.test('a temp file left by a writer killed mid-write is ignored and removed: the last whole checkpoints are read', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'checkpoints.json')
  const store = await openCheckpoints(file, { onWriteError: (err) => t.error(err) })
  store.advance('arn:stream', 'table', 'shard-1', '000000000000000000042')
  await store.flush()
  const torn = join(dir, 'checkpoints.json.tmp-99999')
  await writeFile(torn, '{"version":1,"streams":{"arn:stream":{"table":"table","shards":{"shard-1":{"sequenceNum')

  const reopened = await openCheckpoints(file, { onWriteError: (err) => t.error(err) })
  t.same(reopened.get('arn:stream', 'shard-1'), { sequenceNumber: '000000000000000000042' })
  t.notOk(existsSync(torn), 'the torn temp file is gone')
})

t.test('an unreadable checkpoint file stops the relay from starting rather than silently sending everything again', async (t) => {
  const file = join(t.testdir(), 'checkpoints.json')
  await writeFile(file, '{"version":1,"streams":{"arn":{"table":"x","sha')
  await t.rejects(startRelay({ region: 'us-east-1', tables: {}, busName: 'b', checkpointFile: file }), {
    message: new RegExp(`${file} is not JSON`),
  })
  await writeFile(file, '{"version":2}')
  await t.rejects(startRelay({ region: 'us-east-1', tables: {}, busName: 'b', checkpointFile: file }), {
    message: /not a relay checkpoint file/,
  })
})
