#!/usr/bin/env -S node --import tsx
// Grants or revokes role admin: `pnpm --filter @f1/gateway admin <grant|revoke> <email> [--by NAME]`.

// Before the AWS SDK loads: its notice that Node 20 support ends in 2027 would open every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const { main } = await import('../src/cli/admin.ts')
const code = await main(process.argv.slice(2))
process.stdout.write('', () => process.exit(code))
