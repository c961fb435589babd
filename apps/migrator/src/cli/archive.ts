// `f1-migrator archive export|delete`: a retired kind's legacy items to a file, then out of the legacy table.
import { MIGRATION_KINDS, type MigrationKind } from '@f1/contracts/migration-stages'
import { intOption, parseCliArgs, pathFromInvocation, UsageError } from '@f1/service-kit/cli-args'
import { deleteExported, exportKind } from '../migration/archive.ts'
import type { BackfillDeps } from '../migration/backfill.ts'

export const ARCHIVE_USAGE = `  archive export KIND --out FILE
             Write a retired kind's legacy items to FILE (JSON lines; subscriptions: each profile's subscription
             attributes) and print how many; refused unless the kind is retired
  archive delete KIND --from FILE --expect N [--dry-run]
             Remove from the legacy table what FILE exported, each item only if unchanged since (profiles stay:
             subscriptions lose their subscription attributes only); N must be the count the export printed`

export async function archiveCommand(args: string[], d: BackfillDeps, io: { stdout: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      from: { type: 'string' },
      expect: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  })
  const [verb, kind, ...extra] = positionals
  if ((verb !== 'export' && verb !== 'delete') || extra.length > 0)
    throw new UsageError('archive takes: export KIND --out FILE, or delete KIND --from FILE --expect N')
  if (!(MIGRATION_KINDS as readonly string[]).includes(kind ?? ''))
    throw new UsageError(`KIND must be one of ${MIGRATION_KINDS.join(', ')}`)
  const deps = { doc: d.clients.doc, legacyTable: d.names.legacy, migrationTable: d.names.migration }
  if (verb === 'export') {
    if (!values.out) throw new UsageError('archive export needs --out FILE (a new file)')
    const count = await exportKind(deps, kind as MigrationKind, pathFromInvocation(values.out))
    io.stdout.write(
      `Exported ${count} legacy items of ${kind} to ${values.out}. To remove them: archive delete ${kind} --from ${values.out} --expect ${count}\n`,
    )
    return 0
  }
  if (!values.from) throw new UsageError('archive delete needs --from FILE (the export)')
  const expected = intOption(values.expect, 'expect', 0, Number.MAX_SAFE_INTEGER)
  if (expected === undefined) throw new UsageError('archive delete needs --expect N: the count the export printed')
  const outcome = await deleteExported(deps, kind as MigrationKind, pathFromInvocation(values.from), {
    expected,
    dryRun: values['dry-run'],
  })
  io.stdout.write(
    values['dry-run']
      ? `Dry run: ${outcome.removed} legacy items of ${kind} would be removed (each only if unchanged since the export). Nothing was removed.\n`
      : `Removed ${outcome.removed} of ${outcome.exported} legacy items of ${kind}; ${outcome.changed} changed or gone since the export, left as they are.\n`,
  )
  return outcome.changed > 0 ? 1 : 0
}
