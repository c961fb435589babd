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
