#!/usr/bin/env node
// The local stack's command line; registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api'

// The AWS SDK's notice that Node 20 support ends in 2027 would otherwise open every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
register()
await import('../src/cli/main.ts')
