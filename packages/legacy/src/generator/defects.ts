// The accepted defects, applied to one field at a time: a value written in its canonical form or,
// at its rate, in one of the other forms old app versions wrote (and the defect counted).
import type { PlanId } from '@f1/contracts/common'
import { defect, type UserContext } from './context.ts'
import { ALT_DAY_FORMATS, ALT_FORMATS, formatTimestamp, title, upper, type TimestampFormat } from './formats.ts'

/** A timestamp in its canonical format or, at the altTimestampFormat rate, in another one. */
export function timestamp(ctx: UserContext, ms: number, canonical: 'iso_ms_z' | 'day' = 'iso_ms_z'): string | number {
  let format: TimestampFormat = canonical
  if (ctx.rng.chance(ctx.rates.altTimestampFormat)) {
    format = ctx.rng.pick(canonical === 'day' ? ALT_DAY_FORMATS : ALT_FORMATS)
    defect(ctx, 'altTimestampFormat')
  }
  ctx.tally.timestampFormats[format] += 1
  return formatTimestamp(ms, format)
}

/** The item type: the canonical one, or one of its old spellings at the typeAlias rate. */
export function typeName(ctx: UserContext, canonical: string, aliases: readonly string[]): string {
  if (!ctx.rng.chance(ctx.rates.typeAlias)) return canonical
  defect(ctx, 'typeAlias')
  return ctx.rng.pick(aliases)
}

/** A name in upper or title case at the nameCase rate. */
export function nameCase(ctx: UserContext, name: string): string {
  if (!ctx.rng.chance(ctx.rates.nameCase)) return name
  defect(ctx, 'nameCase')
  return ctx.rng.chance(0.5) ? upper(name) : title(name)
}

/** A plan id, or its old marketing name at the planAlias rate, then cased at the nameCase rate. */
export function planName(ctx: UserContext, plan: PlanId): string {
  const alias = { free: 'basic', pro: 'premium', team: 'enterprise' }[plan]
  let name: string = plan
  if (ctx.rng.chance(ctx.rates.planAlias)) {
    name = alias
    defect(ctx, 'planAlias')
  }
  return nameCase(ctx, name)
}

/** The canceled status, spelled `cancelled` at the cancelledSpelling rate. */
export function cancelled(ctx: UserContext): string {
  if (!ctx.rng.chance(ctx.rates.cancelledSpelling)) return 'canceled'
  defect(ctx, 'cancelledSpelling')
  return 'cancelled'
}

/** A details / strategy / result value: a map, its JSON, or its JSON cut short. */
export function freeForm(ctx: UserContext, value: Record<string, unknown>, willMap: boolean): unknown {
  const draw = ctx.rng.next()
  if (draw < ctx.rates.brokenJson) {
    defect(ctx, 'brokenJson')
    if (willMap) ctx.tally.expected.warnings.broken_json += 1
    // No proper prefix of a JSON object's text is JSON; values here serialize to well over 3 characters.
    const json = JSON.stringify(value)
    return json.slice(0, json.length - ctx.rng.int(1, 3))
  }
  if (draw < ctx.rates.brokenJson + ctx.rates.jsonString) {
    defect(ctx, 'jsonString')
    return JSON.stringify(value)
  }
  return value
}
