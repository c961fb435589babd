// EventBridge event-pattern matching, written from AWS's "Amazon EventBridge event patterns" and
// "Content filtering" user-guide pages and the aws/event-ruler README (no maintained npm matcher exists).
// Patterns are compiled once (syntax errors surface at start) into predicates over parsed events.
import { BlockList, isIP } from 'node:net'

/** The pattern is not valid EventBridge syntax; the message says where and why. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError'
}

type Leaf = string | number | boolean | null
type LeafMatcher = (value: Leaf) => boolean

interface FieldCondition {
  kind: 'field'
  key: string
  matchers: LeafMatcher[]
  /** `{ "exists": true }` is among the values. */
  existsTrue: boolean
  /** `{ "exists": false }` is among the values. */
  existsFalse: boolean
}
interface NestedCondition {
  kind: 'nested'
  key: string
  node: Condition[]
}
interface OrCondition {
  kind: 'or'
  alternatives: Condition[][]
}
type Condition = FieldCondition | NestedCondition | OrCondition

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isLeaf = (value: unknown): value is Leaf => value === null || ['string', 'number', 'boolean'].includes(typeof value)

function fail(path: string, reason: string): never {
  throw new InvalidEventPatternError(`Event pattern is not valid. Reason: ${path ? `"${path}" ` : ''}${reason}`)
}

// ---------------------------------------------------------------------------------------------
// Compiling

function compileNode(pattern: Record<string, unknown>, path: string): Condition[] {
  const keys = Object.keys(pattern)
  if (keys.length === 0) fail(path, 'is an empty object; a pattern needs at least one field')
  return keys.map((key): Condition => {
    const value = pattern[key]
    const here = path ? `${path}.${key}` : key
    // event-ruler reads "$or" as the Or primitive only for an array of 2+ objects; otherwise it is a field name.
    if (key === '$or' && Array.isArray(value) && value.length >= 2 && value.every(isObject)) {
      return { kind: 'or', alternatives: value.map((alternative) => compileNode(alternative, path)) }
    }
    if (Array.isArray(value)) return compileField(key, value, here)
    if (isObject(value)) return { kind: 'nested', key, node: compileNode(value, here) }
    return fail(here, 'must be an object or an array')
  })
}

function compileField(key: string, values: unknown[], path: string): FieldCondition {
  if (values.length === 0) fail(path, 'is an empty array; give at least one value to match')
  const condition: FieldCondition = { kind: 'field', key, matchers: [], existsTrue: false, existsFalse: false }
  for (const value of values) {
    if (isLeaf(value)) {
      condition.matchers.push((leaf) => leaf === value)
      continue
    }
    if (!isObject(value)) fail(path, 'match values must be strings, numbers, booleans, null or a single-key filter object')
    const entries = Object.entries(value)
    const [first] = entries
    if (entries.length !== 1 || first === undefined) fail(path, 'a filter object must have exactly one key')
    const [op, arg] = first
    if (op === 'exists') {
      if (typeof arg !== 'boolean') fail(path, 'exists match pattern must be either true or false')
      if (arg) condition.existsTrue = true
      else condition.existsFalse = true
      continue
    }
    condition.matchers.push(compileFilter(op, arg, path))
  }
  return condition
}

function compileFilter(op: string, arg: unknown, path: string): LeafMatcher {
  switch (op) {
    case 'prefix':
    case 'suffix': {
      const test = op === 'prefix' ? (s: string, p: string) => s.startsWith(p) : (s: string, p: string) => s.endsWith(p)
      if (typeof arg === 'string') return (v) => typeof v === 'string' && test(v, arg)
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
        const lower = arg['equals-ignore-case'].toLowerCase()
        return (v) => typeof v === 'string' && test(v.toLowerCase(), lower)
      }
      return fail(path, `${op} match pattern must be a string or an equals-ignore-case object`)
    }
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') fail(path, 'equals-ignore-case match pattern must be a string')
      const lower = arg.toLowerCase()
      return (v) => typeof v === 'string' && v.toLowerCase() === lower
    }
    case 'wildcard': {
      if (typeof arg !== 'string') fail(path, 'wildcard match pattern must be a string')
      const regex = wildcardRegex(arg, path)
      return (v) => typeof v === 'string' && regex.test(v)
    }
    case 'anything-but':
      return compileAnythingBut(arg, path)
    case 'numeric':
      return compileNumeric(arg, path)
    case 'cidr':
      return compileCidr(arg, path)
    default:
      return fail(path, `uses an unrecognized match type ${op}`)
  }
}

/** `*` matches any run of characters (also none); `\*` is a literal star, `\\` a literal backslash. */
function wildcardRegex(pattern: string, path: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '\\') {
      const next = pattern[i + 1]
      if (next !== '*' && next !== '\\') fail(path, 'wildcard: a backslash may only escape * or \\')
      source += next === '*' ? '\\*' : '\\\\'
      i++
    } else if (c === '*') {
      if (pattern[i + 1] === '*') fail(path, 'wildcard: consecutive wildcard characters are not allowed')
      source += '.*'
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`, 's')
}

function compileAnythingBut(arg: unknown, path: string): LeafMatcher {
  if (typeof arg === 'string' || typeof arg === 'number') return (v) => v !== arg
  if (Array.isArray(arg)) {
    const allStrings = arg.every((x) => typeof x === 'string')
    const allNumbers = arg.every((x) => typeof x === 'number')
    if (arg.length === 0 || !(allStrings || allNumbers)) fail(path, 'anything-but list must contain only strings or only numbers')
    const excluded = new Set<unknown>(arg)
    return (v) => !excluded.has(v)
  }
  if (isObject(arg)) {
    const entries = Object.entries(arg)
    const [first] = entries
    if (entries.length !== 1 || first === undefined) fail(path, 'anything-but object must have exactly one key')
    const [op, inner] = first
    const list =
      typeof inner === 'string'
        ? [inner]
        : Array.isArray(inner) && inner.length > 0 && inner.every((x) => typeof x === 'string')
          ? inner
          : null
    if (list === null) fail(path, `anything-but ${op} must be a string or a list of strings`)
    let excluded: (s: string) => boolean
    switch (op) {
      case 'prefix':
        excluded = (s) => list.some((p) => s.startsWith(p))
        break
      case 'suffix':
        excluded = (s) => list.some((p) => s.endsWith(p))
        break
      case 'equals-ignore-case': {
        const lowered = list.map((x) => x.toLowerCase())
        excluded = (s) => lowered.includes(s.toLowerCase())
        break
      }
      case 'wildcard': {
        const regexes = list.map((x) => wildcardRegex(x, path))
        excluded = (s) => regexes.some((r) => r.test(s))
        break
      }
      default:
        return fail(path, `anything-but does not support ${op}`)
    }
    // Only strings can be excluded by a string filter: numbers, booleans and null always match.
    return (v) => typeof v !== 'string' || !excluded(v)
  }
  return fail(path, 'anything-but must be a string, a number, a list or a prefix/suffix/equals-ignore-case/wildcard object')
}

const NUMERIC_OPS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
}

function compileNumeric(arg: unknown, path: string): LeafMatcher {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4))
    fail(path, 'numeric takes [op, number] or [lower op, number, upper op, number]')
  const checks: Array<(v: number) => boolean> = []
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i]
    const operand = arg[i + 1]
    const compare = typeof op === 'string' ? NUMERIC_OPS[op] : undefined
    if (compare === undefined) fail(path, `numeric: unrecognized operator ${JSON.stringify(op)}`)
    if (typeof operand !== 'number') fail(path, `numeric: ${JSON.stringify(operand)} is not a number`)
    checks.push((v) => compare(v, operand))
  }
  if (arg.length === 4) {
    const [low, lowValue, high, highValue] = arg as [string, number, string, number]
    if (!['>', '>='].includes(low) || !['<', '<='].includes(high) || lowValue >= highValue) {
      fail(path, 'numeric range must be a lower bound (> or >=) then a greater upper bound (< or <=)')
    }
  }
  // Numeric filters only see JSON numbers: "5" (a string) never matches.
  return (v) => typeof v === 'number' && checks.every((check) => check(v))
}

function compileCidr(arg: unknown, path: string): LeafMatcher {
  if (typeof arg !== 'string') fail(path, 'cidr must be a string')
  const [address = '', bits, ...extra] = arg.split('/')
  const family = isIP(address)
  const max = family === 6 ? 128 : 32
  const prefix = bits === undefined ? max : Number(bits)
  if (family === 0 || extra.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) fail(path, `${arg} is not a valid CIDR`)
  const type = family === 6 ? 'ipv6' : 'ipv4'
  const block = new BlockList()
  block.addSubnet(address, prefix, type)
  return (v) => typeof v === 'string' && isIP(v) === family && block.check(v, type)
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Leaf values at a field: arrays are flattened (any element may match); objects are intermediate nodes, not leaves. */
function leavesOf(value: unknown, out: Leaf[] = []): Leaf[] {
  if (Array.isArray(value)) for (const item of value) leavesOf(item, out)
  else if (isLeaf(value)) out.push(value)
  return out
}

function objectsOf(value: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(value)) for (const item of value) objectsOf(item, out)
  else if (isObject(value)) out.push(value)
  return out
}

function matchNode(node: Condition[], container: unknown): boolean {
  return node.every((condition) => matchCondition(condition, container))
}

function matchCondition(condition: Condition, container: unknown): boolean {
  if (condition.kind === 'or') return condition.alternatives.some((alternative) => matchNode(alternative, container))
  const value = isObject(container) ? container[condition.key] : undefined
  if (condition.kind === 'nested') {
    // Array-consistent, as event-ruler's rulesForJSONEvent: the fields of one nested pattern must
    // all match inside the same element of an array of objects.
    const objects = objectsOf(value)
    return objects.length > 0 ? objects.some((object) => matchNode(condition.node, object)) : matchNode(condition.node, undefined)
  }
  const leaves = leavesOf(value)
  if (leaves.length === 0) return condition.existsFalse
  if (condition.existsTrue) return true
  return leaves.some((leaf) => condition.matchers.some((matches) => matches(leaf)))
}

/**
 * Compiles an EventBridge event pattern into a predicate over a parsed event.
 * Throws InvalidEventPatternError when the pattern is not valid syntax.
 */
export function compileEventPattern(pattern: unknown): (event: unknown) => boolean {
  if (!isObject(pattern)) fail('', 'the pattern must be a JSON object')
  const node = compileNode(pattern, '')
  return (event) => matchNode(node, event)
}

/** Whether the event matches the pattern (compiles the pattern on every call; compile once on hot paths). */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern)(event)
}
