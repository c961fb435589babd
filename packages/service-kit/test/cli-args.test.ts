import t from 'tap'
import { dropPassThroughSeparator, intOption, parseCliArgs, reportUsageError, UsageError, USAGE_EXIT_CODE } from '../src/cli-args.ts'

const options = { 'data-dir': { type: 'string' }, verbose: { type: 'boolean' } } as const

t.test('a leading -- from pnpm is dropped', async (t) => {
  const { values } = parseCliArgs(['--', '--data-dir', 'x', '--verbose'], { options })
  t.same(values, { 'data-dir': 'x', verbose: true })
})

t.test('a -- after options but before any positional is dropped too (a script with flags of its own)', async (t) => {
  const { values, positionals } = parseCliArgs(['--verbose', '--', '--data-dir', 'x'], { options, allowPositionals: true })
  t.same(values, { 'data-dir': 'x', verbose: true })
  t.same(positionals, [])
})

t.test('a -- after a positional stays the end-of-options marker', async (t) => {
  const { values, positionals } = parseCliArgs(['grant', '--', '--verbose'], { options, allowPositionals: true })
  t.same(values, {})
  t.same(positionals, ['grant', '--verbose'])
  t.same(dropPassThroughSeparator(['grant', '--', '-x']), ['grant', '--', '-x'])
})

t.test('only the first -- is dropped: a second one ends the options', async (t) => {
  const { values, positionals } = parseCliArgs(['--', '--verbose', '--', '--data-dir'], { options, allowPositionals: true })
  t.same(values, { verbose: true })
  t.same(positionals, ['--data-dir'])
})

t.test('the value of a string option is not taken for a positional', async (t) => {
  t.same(dropPassThroughSeparator(['--data-dir', 'x', '--', '--verbose'], { options }), ['--data-dir', 'x', '--verbose'])
})

t.test('an unknown flag is a usage error naming it, exit code 2', async (t) => {
  const err = t.throws(() => parseCliArgs(['--', '--dry-rnu'], { options })) as UsageError
  t.type(err, UsageError)
  t.equal(err.exitCode, 2)
  t.equal(USAGE_EXIT_CODE, 2)
  t.match(err.message, /'--dry-rnu'/)
})

t.test('an unexpected positional and a missing value are usage errors naming the argument', async (t) => {
  t.throws(() => parseCliArgs(['extra'], { options }), { name: 'UsageError', message: /'extra'/ })
  t.throws(() => parseCliArgs(['--data-dir'], { options }), { name: 'UsageError', message: /--data-dir/ })
})

t.test('intOption accepts integers in range and names the option otherwise', async (t) => {
  t.equal(intOption(undefined, 'port', 1, 65535), undefined)
  t.equal(intOption('8001', 'port', 1, 65535), 8001)
  for (const bad of ['', 'abc', '1.5', '0', '70000'])
    t.throws(() => intOption(bad, 'port', 1, 65535), { name: 'UsageError', message: /^--port must be an integer from 1 to 65535/ })
})

t.test('reportUsageError prints program, message and usage, returns 2, and rethrows other errors', async (t) => {
  let written = ''
  const stderr = { write: (s: string) => ((written += s), true) } as unknown as NodeJS.WritableStream
  t.equal(reportUsageError(new UsageError("Unknown option '--x'"), 'f1-local dev', stderr, 'Usage: f1-local dev\n'), 2)
  t.equal(written, "f1-local dev: Unknown option '--x'\n\nUsage: f1-local dev\n")
  const other = new Error('boom')
  t.throws(() => reportUsageError(other, 'p', stderr), other)
})
