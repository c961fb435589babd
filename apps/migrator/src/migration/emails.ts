// Email conflicts over the whole legacy table: profiles whose emails differ only in letter case.
// A real run keeps the emails it saw in the migration table (bounded memory, survives a resume);
// a dry run, which writes nothing, keeps them in memory.
import { resolveEmailConflicts, type EmailConflict } from '@f1/legacy/profiles'
import type { EmailEntry } from '../repositories/state/emails.ts'

/** The conflict (if any) among profiles sharing one email in lower case, by the legacy package's rules. */
export function conflictOf(group: readonly EmailEntry[]): EmailConflict | undefined {
  const profiles = group.map((e) => ({
    type: 'user',
    strategy_id: e.legacy_id,
    user_id: e.user_id,
    email: e.email,
    created_at: e.created_at,
  }))
  return resolveEmailConflicts(profiles).conflicts[0]
}

/** Conflicts from groups of entries, sorted by email. */
export async function collectConflicts(groups: AsyncIterable<EmailEntry[]> | Iterable<EmailEntry[]>): Promise<EmailConflict[]> {
  const conflicts: EmailConflict[] = []
  for await (const group of groups) {
    const conflict = conflictOf(group)
    if (conflict) conflicts.push(conflict)
  }
  return conflicts.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0))
}

/** The dry run's in-memory email index: one small entry per profile. */
export class MemoryEmailIndex {
  readonly #byEmail = new Map<string, Map<string, EmailEntry>>()

  add(entries: Iterable<EmailEntry>): void {
    for (const entry of entries) {
      const key = entry.email.toLowerCase()
      const holders = this.#byEmail.get(key) ?? new Map<string, EmailEntry>()
      holders.set(entry.legacy_id, entry)
      this.#byEmail.set(key, holders)
    }
  }

  *groups(): Generator<EmailEntry[]> {
    for (const holders of this.#byEmail.values()) if (holders.size > 1) yield [...holders.values()]
  }
}
