// f1-local's own argument handling: pnpm's `--` before a command's options is ignored, misuse exits 2.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

const CLI = join(import.meta.dirname, '..', 'bin', 'f1-local.mjs')
const run = promisify(execFile)

interface Failure {
  code: number
  stdout: string
  stderr: string
}

t.test('`f1-local dev -- --data-dir DIR --help` parses what `pnpm dev -- --data-dir DIR` passes and prints the usage', async (t) => {
  const { stdout } = await run(process.execPath, [CLI, 'dev', '--', '--data-dir', t.testdir(), '--help'])
  t.match(stdout, /^Usage: f1-local <command>/)
})

t.test('misuse exits 2 with a message naming the argument at fault', async (t) => {
  const [dev, dynamodb, dlq] = (await Promise.all([
    run(process.execPath, [CLI, 'dev', '--', '--data-dri', 'x']).catch((err: Failure) => err),
    run(process.execPath, [CLI, 'dynamodb', '--port', 'eighty']).catch((err: Failure) => err),
    run(process.execPath, [CLI, 'dlq', 'list', 'extra', '--dir', t.testdir()]).catch((err: Failure) => err),
  ])) as Failure[]
  t.match(dev, { code: 2, stderr: /^f1-local dev: Unknown option '--data-dri'/ })
  t.match(dev?.stderr, /Usage: f1-local <command>/)
  t.match(dynamodb, { code: 2, stderr: /^f1-local dynamodb: --port must be an integer from 0 to 65535, got eighty/ })
  t.match(dlq, { code: 2, stderr: /^f1-local dlq: Unexpected argument 'extra'/ })
})
