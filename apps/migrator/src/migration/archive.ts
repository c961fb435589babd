// Archiving a retired kind's legacy items: an export to a file first, then, by a separate explicit
// command, their removal from the legacy table, each one conditional on being what was exported.
// Never automatic, refused unless the kind is retired, and the delete checks the count the operator
// saw at export. Profiles stay (the gateway owns them): archiving subscriptions removes the
// subscription attributes of each profile, never the profile.
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { MigrationKind } from '@f1/contracts/migration-stages'
import { classifyLegacyItem } from '@f1/legacy/items'
import { readStages } from '@f1/tables/migration-stages'
import { TARGET_OF_KIND } from './lazy.ts'

/** The attributes of a profile that hold its subscription: what archiving subscriptions removes. */
export const SUBSCRIPTION_ATTRIBUTES = [
  'plan',
  'subscription_status',
  'subscription_start',
  'subscription_end',
  'stripe_subscription_id',
  'stripe_customer_id',
] as const

export interface ArchiveDeps {
  doc: DynamoDBDocumentClient
  legacyTable: string
  migrationTable: string
}

/** One archived item: its key and what was exported (the whole item, or a profile's subscription attributes). */
interface ArchiveLine {
  strategy_id: string
  attributes: Record<string, unknown>
}

export class NotRetiredError extends Error {
  readonly code = 'STAGE_PRECONDITION_FAILED'
  constructor(kind: MigrationKind, stage: string) {
    super(`${kind} is in ${stage}, not retired: its legacy items may be archived only once it is retired`)
  }
}

async function requireRetired(deps: ArchiveDeps, kind: MigrationKind): Promise<void> {
  const { stage } = (await readStages(deps.doc, deps.migrationTable))[kind]
  if (stage !== 'retired') throw new NotRetiredError(kind, stage)
}

function lineOf(kind: MigrationKind, item: Record<string, unknown>): ArchiveLine | undefined {
  const target = TARGET_OF_KIND[classifyLegacyItem(item) ?? 'email_lock']
  if (target !== kind) return undefined
  const strategyId = String(item.strategy_id)
  if (kind !== 'subscriptions') return { strategy_id: strategyId, attributes: item }
  const attributes = Object.fromEntries(
    SUBSCRIPTION_ATTRIBUTES.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
  )
  return Object.keys(attributes).length > 0 ? { strategy_id: strategyId, attributes } : undefined
}

/** Writes the kind's legacy items (JSON lines) to `file`; resolves with how many. */
export async function exportKind(deps: ArchiveDeps, kind: MigrationKind, file: string): Promise<number> {
  await requireRetired(deps, kind)
  const out = createWriteStream(file, { flags: 'wx' })
  let count = 0
  let startKey: Record<string, unknown> | undefined
  do {
    const page = await deps.doc.send(new ScanCommand({ TableName: deps.legacyTable, ExclusiveStartKey: startKey, ConsistentRead: true }))
    for (const item of page.Items ?? []) {
      const line = lineOf(kind, item)
      if (!line) continue
      count += 1
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain')
    }
    startKey = page.LastEvaluatedKey
  } while (startKey)
  out.end()
  await once(out, 'finish')
  return count
}

async function readLines(file: string): Promise<ArchiveLine[]> {
  const lines: ArchiveLine[] = []
  for await (const text of createInterface({ input: createReadStream(file) })) {
    if (!text.trim()) continue
    const line = JSON.parse(text) as ArchiveLine
    if (typeof line.strategy_id !== 'string' || typeof line.attributes !== 'object' || line.attributes === null) {
      throw new Error(`${file} is not an archive export: a line has no strategy_id and attributes`)
    }
    lines.push(line)
  }
  return lines
}

export interface DeleteOutcome {
  /** Lines in the file. */
  exported: number
  /** Removed (or, in a dry run, that would be removed: the file's count). */
  removed: number
  /** Changed or gone since the export: left as they are. */
  changed: number
}

/** The condition that each exported attribute still holds its exported value (one added since is not looked at). */
function unchanged(attributes: Record<string, unknown>) {
  const names = Object.keys(attributes).filter((name) => name !== 'strategy_id')
  if (names.length === 0) return { ConditionExpression: 'attribute_exists(strategy_id)' }
  return {
    ConditionExpression: ['attribute_exists(strategy_id)', ...names.map((_, i) => `#a${i} = :a${i}`)].join(' AND '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
    ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:a${i}`, attributes[name]])),
  }
}

/**
 * Removes what `file` exported of the kind from the legacy table, each item (or a profile's
 * subscription attributes) only if it is still exactly as exported. `expected` must be the count the
 * export printed: a wrong or partial file is refused before anything is touched.
 */
export async function deleteExported(
  deps: ArchiveDeps,
  kind: MigrationKind,
  file: string,
  options: { expected: number; dryRun: boolean },
): Promise<DeleteOutcome> {
  await requireRetired(deps, kind)
  const lines = await readLines(file)
  if (lines.length !== options.expected) {
    throw new Error(
      `${file} holds ${lines.length} items, not the ${options.expected} given: is it the export of ${kind}? Nothing was removed`,
    )
  }
  if (options.dryRun) return { exported: lines.length, removed: lines.length, changed: 0 }
  let removed = 0
  let changed = 0
  for (const line of lines) {
    const condition = unchanged(line.attributes)
    try {
      if (kind === 'subscriptions') {
        await deps.doc.send(
          new UpdateCommand({
            TableName: deps.legacyTable,
            Key: { strategy_id: line.strategy_id },
            UpdateExpression: `REMOVE ${Object.keys(condition.ExpressionAttributeNames ?? {}).join(', ')}`,
            ...condition,
          }),
        )
      } else {
        await deps.doc.send(new DeleteCommand({ TableName: deps.legacyTable, Key: { strategy_id: line.strategy_id }, ...condition }))
      }
      removed += 1
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err
      changed += 1
    }
  }
  return { exported: lines.length, removed, changed }
}
