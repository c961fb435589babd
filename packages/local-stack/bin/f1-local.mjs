#!/usr/bin/env node
// The local stack's command line; registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
