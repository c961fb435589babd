// cdk-nag's AWS Solutions checks over every stack of a deployed stage (prod, with the console's
// files, so the BucketDeployment is there too) and of a dev stage without a certificate: nothing but
// the suppressions of src/nag.ts, each of them still needed and explained.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, Stack } from 'aws-cdk-lib'
import { buildStacks } from '../src/app.ts'
import { applyNagChecks, NAG_SUPPRESSIONS, nagFindings, type AppliedSuppression, type NagFinding, type NagSuppression } from '../src/nag.ts'
import { stageContext } from './helper.ts'

const webDist = mkdtempSync(join(tmpdir(), 'f1-nag-web-dist-'))
writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>F1</title>')
t.teardown(() => rmSync(webDist, { recursive: true, force: true }))

interface Checked {
  stackCount: number
  applied: AppliedSuppression[]
  findings: NagFinding[]
  /** What app.synth() threw: the checks fail it on an unacknowledged error. */
  synthError?: unknown
}

/** Builds every stack of the context's stage with the checks on, synthesizes it, and lists every finding. */
function check(context: Record<string, string>): Checked {
  const app = new App({ context })
  const stacks = buildStacks(app, { webDist })
  const applied = applyNagChecks(app, stacks)
  let synthError: unknown
  try {
    app.synth()
  } catch (err) {
    synthError = err
  }
  const stackCount = app.node.children.filter((child) => Stack.isStack(child)).length
  return { stackCount, applied, findings: nagFindings(app), ...(synthError === undefined ? {} : { synthError }) }
}

const stages: Record<string, Checked> = { prod: check(stageContext('prod')), dev: check({}) }

const describe = (f: NagFinding) => `[${f.level}] ${f.ruleId} at ${f.constructPath}: ${f.message}`
const under = (path: string, constructPath: string) => path === constructPath || path.startsWith(`${constructPath}/`)

t.test('every stack passes the AWS Solutions checks with only justified suppressions', async (t) => {
  for (const [stage, checked] of Object.entries(stages)) {
    const open = checked.findings.filter((f) => !f.suppressed).map(describe)
    const listed = open.length > 0 ? ` (fix each, or add a justified suppression to src/nag.ts):\n${open.join('\n')}` : ''
    t.same(open, [], `${stage}: no unsuppressed error or warning${listed}`)
    const failure = checked.synthError === undefined ? '' : `: ${String(checked.synthError)}`
    t.notOk(checked.synthError, `${stage}: the synth with the checks on succeeds${failure}`)
    t.ok(checked.stackCount >= 8, `${stage}: every stack of the stage is synthesized and checked (${checked.stackCount})`)
    t.ok(checked.findings.length > 0, `${stage}: the checks ran (suppressed findings are recorded)`)
  }
})

t.test('every suppression names existing constructs and still matches a finding on each (none is stale)', async (t) => {
  const appliedSomewhere = new Set<NagSuppression>()
  for (const [stage, checked] of Object.entries(stages)) {
    for (const { suppression, matches } of checked.applied) {
      appliedSomewhere.add(suppression)
      for (const { path, constructPaths } of matches) {
        const where = `${stage}: ${suppression.id} on ${path}`
        t.ok(constructPaths.length > 0, `${where} names at least one construct`)
        const used = checked.findings.filter(
          (f) => f.ruleId === suppression.id && constructPaths.some((constructPath) => under(f.constructPath, constructPath)),
        )
        t.ok(used.length > 0, `${where} suppresses at least one finding (remove it from src/nag.ts if the finding is gone)`)
        t.ok(
          used.every((f) => f.suppressed),
          `${where}: the findings it covers are acknowledged`,
        )
      }
    }
  }
  const neverApplied = NAG_SUPPRESSIONS.filter((s) => !appliedSomewhere.has(s)).map((s) => `${s.id} on ${s.paths.join(', ')}`)
  t.same(neverApplied, [], `every suppression applies to prod or dev:\n${neverApplied.join('\n')}`)
})

t.test('every suppression gives its reason in at least a sentence, once per rule and construct', async (t) => {
  for (const { id, paths, reason } of NAG_SUPPRESSIONS) {
    t.match(id, /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/, `${id}: a rule id of the AWS Solutions pack, or one finding of it`)
    t.ok(paths.length > 0, `${id}: names at least one path`)
    t.match(reason, /^[A-Z].{39,}[.)]$/s, `${id} on ${paths[0]}: the reason is a sentence (capitalized, 40+ characters, ends with a period)`)
    t.ok(reason.split(/\s+/).length >= 10, `${id} on ${paths[0]}: the reason has at least ten words`)
  }
  const keys = NAG_SUPPRESSIONS.flatMap(({ id, paths }) => paths.map((path) => `${id} ${path}`))
  t.same(
    keys.filter((key, i) => keys.indexOf(key) !== i),
    [],
    'no rule is suppressed twice on the same path',
  )
})
