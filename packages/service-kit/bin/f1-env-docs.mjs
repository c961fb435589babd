#!/usr/bin/env node
// Registers tsx: the config modules it reads are TypeScript, run as they are.
import { register } from 'tsx/esm/api'

register()
await import('../src/env-docs-cli.ts')
