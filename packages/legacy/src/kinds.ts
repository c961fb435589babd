// The kinds of legacy item, told by their `type` attribute in any of the spellings old app versions used.
import { normalizeName } from './fields.ts'

export const LEGACY_KINDS = ['profile', 'usage', 'action', 'strategy', 'email_lock'] as const
/** profile, usage, action and strategy are legacy data; email_lock is the gateway's uniqueness marker. */
export type LegacyKind = (typeof LEGACY_KINDS)[number]

const KIND_OF_TYPE: ReadonlyMap<string, LegacyKind> = new Map<string, LegacyKind>([
  ['user', 'profile'],
  ['profile', 'profile'],
  ['usage', 'usage'],
  ['action', 'action'],
  ['action_log', 'action'],
  ['strategy', 'strategy'],
  ['simulation', 'strategy'],
  ['email_lock', 'email_lock'],
])

/**
 * The kind a legacy `type` value names: `user` / `profile` / `USER`, `usage`, `action` /
 * `action_log`, `strategy` / `simulation`, `email_lock`, in any letter case (spaces and dashes
 * read as `_`). Undefined for anything else.
 */
export function legacyKindOf(type: unknown): LegacyKind | undefined {
  if (typeof type !== 'string') return undefined
  return KIND_OF_TYPE.get(normalizeName(type))
}

export function isProfileType(type: unknown): boolean {
  return legacyKindOf(type) === 'profile'
}
