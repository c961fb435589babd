#!/usr/bin/env -S node --import tsx
// The migrator's CLI: `node --import tsx bin/migrator.ts <backfill|verify|generate|status> [options]`.

// Before the AWS SDK loads: its notice that Node 20 support ends in 2027 would open every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const { main } = await import('../src/cli/main.ts')
const code = await main(process.argv.slice(2))
// Let stdout drain (a piped report can be long), then exit without waiting for idle sockets.
process.stdout.write('', () => process.exit(code))
