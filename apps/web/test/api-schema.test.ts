// The checked-in client types must be what the gateway's OpenAPI document generates today: a
// gateway change that is not regenerated (pnpm --filter @f1/web api:generate) fails here.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { apiSchemaSource } from '../scripts/api-schema.ts'

test("the generated API types match the gateway's OpenAPI document", async () => {
  const checkedIn = await readFile(join(import.meta.dirname, '..', 'src', 'api', 'schema.d.ts'), 'utf8')
  expect(checkedIn === (await apiSchemaSource()), 'src/api/schema.d.ts is stale: run `pnpm --filter @f1/web api:generate`').toBe(true)
}, 60_000)
