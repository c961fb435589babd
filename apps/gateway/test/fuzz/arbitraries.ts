// fast-check arbitraries drawn from a JSON schema (a route's schema as the OpenAPI document
// publishes it, or a TypeBox schema, which is the same JSON): values that pass it, values that
// break it, and hostile values. TypeBox's own checker is the oracle of what passes.
import fc from 'fast-check'
import type { TSchema } from 'typebox'
import Value from 'typebox/value'

/** The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that route schemas are made of. */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  patternProperties?: Record<string, JsonSchema>
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number | boolean
  exclusiveMaximum?: number | boolean
  $ref?: string
  examples?: unknown[]
}

/** A schema as JSON, or a TypeBox schema (which is that JSON, typed). */
export type SchemaLike = JsonSchema | TSchema

export interface SchemaOptions {
  /** Tightens a schema before values are drawn from it (e.g. caps an expensive size); `key` names the property. */
  narrow?: (schema: JsonSchema, key: string | undefined) => JsonSchema
  /**
   * Known-good words for a property (a dictionary: real track ids, ids the app handed out), read
   * each time a value is drawn; those that pass the schema are drawn often, besides random ones.
   */
  examples?: (key: string) => readonly unknown[]
}

/** True when the value passes the schema, as the apps' validator (TypeBox) decides. */
export function passes(schema: SchemaLike, value: unknown): boolean {
  return Value.Check(schema as never, value)
}

// Strings and arrays without an upper bound stay small in valid values; hostile values go big.
const FREE_LENGTH = 24
const FREE_ITEMS = 3

const codePoints = (s: string) => [...s].length

function resolved(schema: SchemaLike | boolean, options: SchemaOptions, key?: string): JsonSchema {
  // Boolean schemas: `true` takes anything, `false` nothing (validObject leaves such properties out).
  if (schema === true) return {}
  if (schema === false) return { not: {} } as JsonSchema
  const current = schema as JsonSchema
  if (current.$ref) throw new Error(`dereference ${current.$ref} before drawing values (the checker could not follow it either)`)
  return options.narrow ? options.narrow(current, key) : current
}

/** The JSON types a schema admits (`undefined`: any). */
function typesOf(schema: JsonSchema): string[] | undefined {
  if (Array.isArray(schema.type)) return schema.type
  if (typeof schema.type === 'string') return [schema.type]
  if (schema.properties || schema.patternProperties || schema.required) return ['object']
  if (schema.items) return ['array']
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Instants

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0')

/** An instant written the ways RFC 3339 allows and Date reads: Z or an offset, 0-9 fraction digits. */
export const instant: fc.Arbitrary<string> = fc
  .record({
    // Years 0002-9998: an offset of up to a day cannot carry the local time out of 0001-9999.
    at: fc.date({ min: new Date('0002-01-01T00:00:00.000Z'), max: new Date('9998-12-31T23:59:59.999Z'), noInvalidDate: true }),
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
    zulu: fc.boolean(),
    fraction: fc.integer({ min: 0, max: 9 }),
  })
  .map(({ at, offsetMinutes, zulu, fraction }) => {
    const offset = zulu ? 0 : offsetMinutes
    const local = new Date(at.getTime() + offset * 60_000).toISOString() // YYYY-MM-DDTHH:mm:ss.sssZ in local time
    const digits = `${local.slice(20, 23)}000000`.slice(0, fraction)
    const zone = zulu ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
    return `${local.slice(0, 19)}${fraction ? `.${digits}` : ''}${zone}`
  })

/** Instants at the edges that a strict schema still accepts: first and last representable days, offsets across them. */
export const edgeInstant = fc.constantFrom(
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:30:00+01:00', // 31 Dec of year 0 in UTC
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-01:00', // year 10000 in UTC
  '2024-02-29T23:59:59.999999999Z',
  '1970-01-01T00:00:00Z',
)

/** Date-times that a plain `date-time` format may pass but JavaScript's Date cannot hold as meant. */
export const unreadableInstant = fc.constantFrom(
  '2024-06-30T23:59:60Z', // leap second
  '2016-12-31T23:59:60.999Z',
  '2024-07-01T00:59:60+01:00',
  '2024-02-30T00:00:00Z',
  '2023-02-29T12:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.001Z', // past Date's range
  '-271821-04-19T00:00:00.000Z',
  '2024-01-01t00:00:00z',
  '2024-01-01T00:00:00Z[Europe/Paris]',
  '2024-01-01T00:00:00',
  '2024-13-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:00:00+24:00',
  'yesterday',
)

const isoDate = fc
  .date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T00:00:00.000Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

// ---------------------------------------------------------------------------------------------
// Valid values

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0
  const max = Math.max(min, Math.min(schema.maxLength ?? min + FREE_LENGTH, min + 64))
  const fits = (s: string) => codePoints(s) >= min && codePoints(s) <= (schema.maxLength ?? Infinity)
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern, 'u')
  const matches = (s: string) => fits(s) && (!pattern || pattern.test(s))
  switch (schema.format) {
    case 'date-time':
      return fc.oneof({ arbitrary: instant, weight: 9 }, { arbitrary: edgeInstant, weight: 1 }).filter(matches)
    case 'date':
      return isoDate.filter(matches)
    case 'uri':
    case 'url':
      return fc.webUrl({ withQueryParameters: true, withFragments: true, size: 'small' }).filter(matches)
    case 'email':
      return fc.emailAddress({ size: 'small' }).filter(matches)
    case 'uuid':
      return fc.uuid().filter(matches)
  }
  if (schema.pattern !== undefined) {
    // A pattern sets its own lengths (a W3C traceparent is 55 characters): only the schema's own cap applies.
    const cap = schema.maxLength === undefined ? {} : { maxLength: schema.maxLength }
    return fc.stringMatching(new RegExp(schema.pattern), cap).filter(matches)
  }
  return fc.oneof(
    fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max }),
    fc.string({ unit: 'binary', minLength: min, maxLength: max }),
  )
}

function bounds(schema: JsonSchema, integer: boolean): { min: number; max: number } {
  let min = schema.minimum ?? -1e6
  let max = schema.maximum ?? 1e6
  if (typeof schema.exclusiveMinimum === 'number') min = Math.max(min, schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON))
  if (typeof schema.exclusiveMaximum === 'number') max = Math.min(max, schema.exclusiveMaximum - (integer ? 1 : Number.EPSILON))
  return integer ? { min: Math.ceil(min), max: Math.floor(max) } : { min, max }
}

function validObject(schema: JsonSchema, options: SchemaOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([, inner]) => (inner as unknown) !== false))
  const required = new Set(schema.required ?? [])
  const model = Object.fromEntries(Object.entries(properties).map(([key, inner]) => [key, validValue(inner, options, key)]))
  const declared = fc.record(model, { requiredKeys: [...required].filter((key) => key in properties) })
  const open =
    schema.patternProperties ?? (typeof schema.additionalProperties === 'object' ? { '': schema.additionalProperties } : undefined)
  if (!open) return declared
  // Extra keys: an open map (a Record) or additionalProperties with a schema.
  const [patternSource, valueSchema] = Object.entries(open)[0] ?? ['', {}]
  const keyPattern = new RegExp(patternSource, 'u')
  const extras = fc.dictionary(
    // `__proto__` is refused by the JSON parser before any schema: it belongs to the hostile values.
    fc
      .string({ unit: 'binary', minLength: 1, maxLength: 12 })
      .filter((key) => key !== '__proto__' && !(key in properties) && keyPattern.test(key)),
    validValue(valueSchema, options),
    { maxKeys: FREE_ITEMS, noNullPrototype: true },
  )
  return fc.tuple(declared, extras).map(([known, more]) => ({ ...more, ...known }))
}

const NO_EXAMPLE = Symbol('no example')

/** Values that pass the schema. */
export function validValue(schema: SchemaLike, options: SchemaOptions = {}, key?: string): fc.Arbitrary<unknown> {
  const s = resolved(schema, options, key)
  const drawn = drawValid(s, options, key)
  // The schema's own `examples` (JSON Schema's keyword, which OpenAPI shows) are drawn often too.
  const own = Array.isArray(s.examples) ? s.examples.filter((value) => passes(s, value)) : []
  const examples = options.examples
  if ((!examples || key === undefined) && own.length === 0) return drawn
  if (s.properties || s.items) return own.length > 0 ? fc.oneof(drawn, fc.constantFrom(...own)) : drawn
  const example = fc.nat().map((i) => {
    const pool = [...own, ...(key !== undefined && examples ? examples(key) : [])].filter((value) => passes(s, value))
    return pool.length > 0 ? pool[i % pool.length] : NO_EXAMPLE
  })
  return fc.oneof(drawn, example, example).chain((value) => (value === NO_EXAMPLE ? drawn : fc.constant(value)))
}

function drawValid(s: JsonSchema, options: SchemaOptions, key: string | undefined): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...s.enum)
  const branches = s.anyOf ?? s.oneOf
  if (branches) return fc.oneof(...branches.map((branch) => validValue(branch, options, key)))
  if (s.allOf) return validValue(mergeAll(s.allOf.map((part) => resolved(part, options))), options, key)
  const types = typesOf(s)
  if (!types) return fc.jsonValue({ maxDepth: 3 })
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue({ ...s, type }, options, key)))
  switch (types[0]) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.integer(bounds(s, true))
    case 'number': {
      const { min, max } = bounds(s, false)
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
    }
    case 'string':
      return validString(s)
    case 'array': {
      const minLength = s.minItems ?? 0
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? minLength + FREE_ITEMS, minLength + FREE_ITEMS))
      return fc.array(s.items ? validValue(s.items, options) : fc.jsonValue({ maxDepth: 2 }), { minLength, maxLength })
    }
    case 'object':
      return validObject(s, options)
    default:
      throw new Error(`no arbitrary for type ${String(types[0])}`)
  }
}

function mergeAll(parts: JsonSchema[]): JsonSchema {
  return parts.reduce<JsonSchema>(
    (merged, part) => ({
      ...merged,
      ...part,
      properties: { ...merged.properties, ...part.properties },
      required: [...(merged.required ?? []), ...(part.required ?? [])],
    }),
    {},
  )
}

// ---------------------------------------------------------------------------------------------
// Hostile and invalid values

/** Strings that have broken parsers: huge, control characters, lone surrogates, RTL marks, NULs, JSON and SQL lookalikes. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u0041\u0301',
    '\ufeff',
    '💥'.repeat(64),
    '../../../etc/passwd',
    '%00',
    '%',
    '{"$gt":""}',
    "' OR 1=1 --",
    '__proto__',
    'constructor',
    'null',
    'NaN',
    '-0',
    '1e400',
    '9007199254740993',
    'USER#x',
    '#',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => 'é\u0301'.repeat(n)),
)

/** Numbers JSON can carry that break arithmetic or storage: huge, tiny, negative zero, fractions, unsafe integers. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 1e-200, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 0.5, 1e21, 4_294_967_296),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** An object nested `depth` levels deep, or an array as deep. */
export const deeplyNested: fc.Arbitrary<unknown> = fc
  .record({ depth: fc.integer({ min: 40, max: 3_000 }), array: fc.boolean() })
  .map(({ depth, array }) => {
    let value: unknown = 1
    for (let i = 0; i < depth; i++) value = array ? [value] : { n: value }
    return value
  })

/** Any JSON value a hostile client may send where the schema wants something else. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: hostileNumber, weight: 2 },
  fc.constantFrom(null, true, false, [], {}, [null], { '': 1 }),
  deeplyNested,
  fc.jsonValue({ maxDepth: 4 }),
)

/** A value of each JSON type the schema does not allow, drawn from the hostile ones. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = typesOf(schema)
  const pick = (type: string): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'string':
        return hostileString
      case 'number':
      case 'integer':
        return hostileNumber
      case 'boolean':
        return fc.boolean()
      case 'null':
        return fc.constant(null)
      case 'array':
        return fc.array(hostileValue, { maxLength: 3 })
      default:
        return fc.dictionary(fc.string({ maxLength: 6 }), hostileValue, { maxKeys: 3, noNullPrototype: true })
    }
  }
  const others = ['string', 'number', 'boolean', 'null', 'array', 'object'].filter(
    (type) => !types?.includes(type) && !(type === 'number' && types?.includes('integer')),
  )
  return others.length > 0 ? fc.oneof(...others.map(pick)) : hostileValue
}

/** Candidates that break the schema in one place: wrong types, missing or unknown fields, bounds, patterns, formats. */
export function invalidValue(schema: SchemaLike, options: SchemaOptions = {}, depth = 0): fc.Arbitrary<unknown> {
  const s = resolved(schema, options)
  const candidates: Array<fc.Arbitrary<unknown>> = [wrongType(s), hostileValue]
  const types = typesOf(s) ?? []
  if (s.enum || 'const' in s) candidates.push(hostileString, fc.constant('not-one-of-these'))
  if (types.includes('string')) {
    if (s.maxLength !== undefined) candidates.push(fc.integer({ min: s.maxLength + 1, max: s.maxLength + 5_000 }).map((n) => 'x'.repeat(n)))
    if (s.minLength) candidates.push(fc.string({ maxLength: s.minLength - 1 }))
    if (s.format === 'date-time') candidates.push(unreadableInstant)
    if (s.pattern !== undefined || s.format !== undefined) candidates.push(hostileString)
  }
  if (types.includes('integer') || types.includes('number')) {
    const { min, max } = bounds(s, types.includes('integer'))
    if (s.minimum !== undefined || s.exclusiveMinimum !== undefined) candidates.push(fc.constantFrom(min - 1, -1e12))
    if (s.maximum !== undefined || s.exclusiveMaximum !== undefined) candidates.push(fc.constantFrom(max + 1, 1e12))
    if (types.includes('integer')) candidates.push(fc.constantFrom(0.5, min + 0.25), fc.integer().map(String))
  }
  if (types.includes('array') && s.items && depth < 3) {
    const minItems = s.minItems ?? 0
    if (s.maxItems !== undefined)
      candidates.push(fc.array(validValue(s.items, options), { minLength: s.maxItems + 1, maxLength: s.maxItems + 3 }))
    if (minItems > 0) candidates.push(fc.constant([]))
    candidates.push(
      fc
        .tuple(validValue({ ...s, minItems: Math.max(minItems, 1) }, options), invalidValue(s.items, options, depth + 1))
        .map(([items, bad]) => [bad, ...(items as unknown[]).slice(1)]),
    )
  }
  if (types.includes('object') && s.properties && depth < 3) {
    const properties = Object.keys(s.properties)
    const valid = validObject(s, options)
    for (const key of s.required ?? []) candidates.push(valid.map(({ [key]: _dropped, ...rest }) => rest))
    if (s.additionalProperties === false) {
      candidates.push(
        fc
          .tuple(valid, fc.oneof(fc.constantFrom('extra', '__proto__', 'constructor', ''), fc.string({ maxLength: 12 })), hostileValue)
          .filter(([, key]) => !properties.includes(key))
          .map(([object, key, value]) => ({ ...object, [key]: value })),
      )
    }
    for (const key of properties) {
      const inner = s.properties[key] as JsonSchema
      candidates.push(fc.tuple(valid, invalidValue(inner, options, depth + 1)).map(([object, bad]) => ({ ...object, [key]: bad })))
    }
  }
  return fc.oneof(...candidates)
}
