#!/usr/bin/env node
// Runs deploy/Dockerfile's steps without Docker (see src/image-steps.ts); registers tsx to run the
// check's TypeScript. The apps it builds run without it.
import { register } from 'tsx/esm/api'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
register()
const { main } = await import('../src/cli.ts')
process.exitCode = await main(process.argv.slice(2))
