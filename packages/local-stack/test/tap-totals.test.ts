import t from 'tap'
import { TapTotals } from '../src/cli/tap-totals.ts'

t.test('sums passes and failures over every package summary, even split across chunks', async (t) => {
  const totals = new TapTotals()
  totals.feed('@f1/plans:test: # { total: 24, pass: 24 }\n@f1/tables:test: # { tot')
  totals.feed('al: 10, pass: 7, fail: 3 }\n')
  totals.feed('@f1/gateway:test: # { total: 5, pass: 4, fail: 0, skip: 1 }')
  t.same(totals.finish(), { passed: 35, failed: 3, suites: 3 })
})

t.test('ignores lines that only look like tap output', async (t) => {
  const totals = new TapTotals()
  totals.feed('# time=12ms\nok 1 - test/x.test.ts\n{ total: 9 }\n')
  t.same(totals.finish(), { passed: 0, failed: 0, suites: 0 })
})

t.test('keeps each failure with its details for the end of the run, and nothing of the passes', async (t) => {
  const totals = new TapTotals()
  const p = '@f1/usage-service:test: '
  totals.feed(
    [
      `${p}    # Subtest: outer`,
      `${p}        ok 1 - fine`,
      `${p}        not ok 2 - one is two`,
      `${p}          ---`,
      `${p}          diff: |`,
      `${p}            -2`,
      `${p}            +1`,
      `${p}          ...`,
      `${p}        1..2`,
      `${p}    not ok 1 - outer # time=3ms`,
      `${p}    1..1`,
      `@f1/plans:test: ok 1 - test/plans.test.ts`,
      `${p}# { total: 2, pass: 1, fail: 1 }`,
      '',
    ].join('\n'),
  )
  t.same(totals.finish(), { passed: 1, failed: 1, suites: 1 })
  t.equal(
    totals.failureReport(),
    [
      `${p}        not ok 2 - one is two`,
      '          ---',
      '          diff: |',
      '            -2',
      '            +1',
      '          ...',
      `${p}    not ok 1 - outer # time=3ms`,
    ].join('\n'),
  )
})

t.test('a run without failures reports none', async (t) => {
  const totals = new TapTotals()
  totals.feed('@f1/plans:test: ok 1 - test/plans.test.ts\n@f1/plans:test: # { total: 1, pass: 1 }\n')
  totals.finish()
  t.equal(totals.failureReport(), '')
})
