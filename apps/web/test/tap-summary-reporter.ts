// Ends a vitest run with tap's closing line, `# { total: N, pass: N, fail: N }`: the line the
// repository's test runner sums over packages (packages/local-stack/src/cli/tap-totals.ts).
import type { Reporter, TestModule } from 'vitest/node'

export default class TapSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let pass = 0
    let fail = 0
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') pass++
        else if (state === 'failed') fail++
      }
      // A file that failed to load has no tests to count: it still fails the run.
      if (module.state() === 'failed' && module.children.size === 0) fail++
    }
    fail += errors.length
    console.log(`# { total: ${pass + fail}, pass: ${pass}, fail: ${fail} }`)
  }
}
