// Synthesizes the CloudFormation templates offline: `pnpm synth [-c key=value ...]` writes them
// to infra/cdk.out. Under the cdk CLI (cdk.json) the CLI's outdir and context are used instead.
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { App } from 'aws-cdk-lib'
import { buildStacks } from '../src/app.ts'
import { applyNagChecks } from '../src/nag.ts'

function contextFromArgs(): Record<string, string> {
  const { values } = parseArgs({ options: { context: { type: 'string', short: 'c', multiple: true } } })
  const context: Record<string, string> = {}
  for (const pair of values.context ?? []) {
    const at = pair.indexOf('=')
    if (at <= 0) throw new Error(`-c expects key=value, got ${pair}`)
    context[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return context
}

function synth(): number {
  const cliOutdir = process.env.CDK_OUTDIR
  const outdir = cliOutdir ?? fileURLToPath(new URL('../cdk.out', import.meta.url))
  // Start clean so templates of another stage from an earlier run do not linger beside these.
  if (!cliOutdir) rmSync(outdir, { recursive: true, force: true })
  const app = new App({ outdir, context: contextFromArgs() })
  // cdk-nag's AWS Solutions checks run after synthesis, with the suppressions of src/nag.ts: an
  // unsuppressed error fails the synth (and so `cdk deploy`) with a report naming rule and construct.
  applyNagChecks(app, buildStacks(app))
  const assembly = app.synth()
  let errors = 0
  for (const stack of assembly.stacks) {
    console.log(`${stack.stackName}: ${stack.templateFullPath}`)
    // The cdk CLI prints annotations; a plain node synth has to do it itself.
    for (const message of stack.messages) {
      if (message.level === 'info') continue
      if (message.level === 'error') errors++
      console.error(`  [${message.level}] ${message.id}: ${String(message.entry.data)}`)
    }
  }
  return errors > 0 ? 1 : 0
}

try {
  process.exitCode = synth()
} catch (err) {
  console.error(`synth failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
}
