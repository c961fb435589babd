// Writes src/api/schema.d.ts: the gateway's OpenAPI document (built offline from the app itself) as
// TypeScript types for openapi-fetch. `pnpm --filter @f1/web api:generate` after a gateway change;
// test/api-schema.test.ts fails while the checked-in file differs from what this writes.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { apiSchemaSource } from './api-schema.ts'

const target = join(import.meta.dirname, '..', 'src', 'api', 'schema.d.ts')
await writeFile(target, await apiSchemaSource())
console.log(`wrote ${target}`)
