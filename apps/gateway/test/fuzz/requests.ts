// Requests drawn from an OpenAPI document: for every operation, requests that follow its schemas
// and requests broken in one place (body, query, path, headers, transport, auth, method), sent over
// real HTTP, and the verdict on each answer.
import { Agent, request as httpRequest } from 'node:http'
import fc from 'fast-check'
import Value from 'typebox/value'
import { hostileString, hostileValue, invalidValue, passes, validValue, type JsonSchema, type SchemaOptions } from './arbitraries.ts'

/** Who a request is sent as: a registered user, an admin, nobody. */
export type Auth = 'user' | 'admin' | 'none'

interface Parameter {
  name: string
  required: boolean
  schema: JsonSchema
}

/** One route of the document, with what it takes. */
export interface Operation {
  method: string
  /** The OpenAPI path template, e.g. `/api/simulations/{simulationId}`. */
  path: string
  auth: Auth
  params: Parameter[]
  query: Parameter[]
  headers: Parameter[]
  body?: { schema: JsonSchema; required: boolean } | undefined
}

/** One request exactly as sent (the bearer token named, not spelled out), so a counterexample reproduces. */
export interface FuzzRequest {
  /** `valid`, or the one thing broken in it. */
  case: string
  method: string
  /** The raw request target: path and query, percent-encoded as sent. */
  target: string
  auth: Auth | { raw: string }
  headers: Record<string, string>
  body?: string | undefined
  /** `refused`: it breaks the route's schemas or auth, so only a 4xx is right; `any`: anything but a 5xx. */
  expect: 'refused' | 'any'
}

/** The parts of an OpenAPI 3.1 document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, JsonSchema> }
}

interface OpenApiOperation {
  tags?: string[]
  security?: Array<Record<string, unknown>>
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

/** The schema with every `#/components/schemas/...` reference of the document replaced by its target. */
export function dereference(schema: unknown, doc: OpenApiDocument, depth = 0): JsonSchema {
  if (depth > 32) throw new Error('schema references nest deeper than 32 (a cycle?)')
  if (Array.isArray(schema)) return schema.map((item) => dereference(item, doc, depth)) as unknown as JsonSchema
  if (!schema || typeof schema !== 'object') return schema as JsonSchema
  const ref = (schema as { $ref?: unknown }).$ref
  if (typeof ref === 'string') {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1]
    const target = name === undefined ? undefined : doc.components?.schemas?.[decodeURIComponent(name)]
    if (!target) throw new Error(`cannot resolve ${ref}`)
    return dereference(target, doc, depth + 1)
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, dereference(v, doc, depth)]))
}

/** Every operation of the document; admin routes are those tagged `admin` or under `/api/admin`. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue
      const parameters = (where: string) =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true || where === 'path', schema: dereference(p.schema ?? {}, doc) }))
      const secured = (op.security ?? []).length > 0
      const admin = (op.tags ?? []).includes('admin') || path.startsWith('/api/admin')
      const json = op.requestBody?.content?.['application/json']
      operations.push({
        method: method.toUpperCase(),
        path,
        auth: secured ? (admin ? 'admin' : 'user') : 'none',
        params: parameters('path'),
        query: parameters('query'),
        headers: parameters('header'),
        body: json?.schema ? { schema: dereference(json.schema, doc), required: op.requestBody?.required === true } : undefined,
      })
    }
  }
  return operations
}

export interface RequestOptions {
  schema?: SchemaOptions
  /** Authorization header values that must never authenticate (forged, expired, malformed tokens). */
  forgedAuthorizations: string[]
  /** The app's body limit: a body past it must be a 413. */
  bodyLimitBytes: number
}

const scalar = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))
/** Percent-encodes all but unreserved characters; a lone surrogate goes as U+FFFD (encodeURIComponent would throw). */
function encode(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

// TypeBox converts query and path strings by the schema's kind (Integer truncates "1.25" to 1,
// takes "true" as 1), which the published JSON does not carry: give it back to scalar schemas.
const KINDS: Record<string, string> = { integer: 'Integer', number: 'Number', boolean: 'Boolean', string: 'String', null: 'Null' }
function kinded(schema: JsonSchema): JsonSchema {
  if (schema.enum) return { ...schema, '~kind': 'Enum' } as JsonSchema
  const kind = typeof schema.type === 'string' ? KINDS[schema.type] : undefined
  return kind ? ({ ...schema, '~kind': kind } as JsonSchema) : schema
}

/** What the validator does with a query or path value: TypeBox converts it, then checks. */
const passesConverted = (schema: JsonSchema, raw: unknown) => passes(schema, Value.Convert(kinded(schema) as never, raw))

function decodeOrUndefined(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

// Node refuses request heads over 16 KB before the app sees them: values in the request line and
// headers stay well below that (headRequests goes over it on purpose).
const short = (s: string) => encode(s).length <= 6_000
const hostileShort = hostileString.filter(short)

const pathAttacks = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2f',
    '%2F',
    'a%2Fb',
    '%00',
    '%',
    '%ZZ',
    '%E0%A4%A',
    '%F0%9F%92%A5',
    '*',
    '%20',
  ),
  fc.integer({ min: 101, max: 6_000 }).map((n) => 'x'.repeat(n)),
  hostileShort.map(encode),
)

// (A byte-order mark before JSON is not among them: Fastify's parser strips it.)
const malformedJson = fc.constantFrom(
  '{',
  '{"a":',
  '[',
  'nul',
  'NaN',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '"\\ud800',
  '['.repeat(10_000),
)
const protoJson = fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}')
const wrongContentTypes = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/json-patch+json',
  '',
)

interface Parts {
  params: Record<string, unknown>
  query: Record<string, unknown>
  headers: Record<string, unknown>
  body: unknown
}

/** Requests to one operation: valid ones, and ones broken in exactly one place. */
export function requestsFor(op: Operation, options: RequestOptions): fc.Arbitrary<FuzzRequest> {
  const schemaOptions = options.schema ?? {}
  const group = (list: Parameter[]) =>
    fc.record(Object.fromEntries(list.map((p) => [p.name, validValue(p.schema, schemaOptions, p.name)])), {
      requiredKeys: list.filter((p) => p.required).map((p) => p.name),
    })
  const noBody = fc.constant(undefined)
  const parts: fc.Arbitrary<Parts> = fc.record({
    params: group(op.params),
    query: group(op.query),
    headers: group(op.headers),
    body: op.body
      ? op.body.required
        ? validValue(op.body.schema, schemaOptions)
        : fc.option(validValue(op.body.schema, schemaOptions), { nil: undefined })
      : noBody,
  })

  const target = (params: Record<string, unknown>, query: Array<[string, string]> | string) => {
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encode(scalar(params[name])))
    const search = typeof query === 'string' ? query : query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')
    return search ? `${path}?${search}` : path
  }
  const queryPairs = (query: Record<string, unknown>) => Object.entries(query).map(([k, v]) => [k, scalar(v)] as [string, string])
  const headerValues = (headers: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, latin1(scalar(v))]))
  const jsonBody = (body: unknown) =>
    body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }

  const request = (p: Parts, change: Partial<FuzzRequest> & { case: string }): FuzzRequest => {
    const json = jsonBody(p.body)
    return {
      method: op.method,
      target: target(p.params, queryPairs(p.query)),
      auth: op.auth,
      ...json,
      ...change,
      headers: { ...headerValues(p.headers), ...json.headers, ...change.headers },
      expect: change.expect ?? 'any',
    }
  }

  const cases: Array<fc.WeightedArbitrary<FuzzRequest>> = [{ weight: 6, arbitrary: parts.map((p) => request(p, { case: 'valid' })) }]
  const broken = (weight: number, arbitrary: fc.Arbitrary<FuzzRequest>) => cases.push({ weight, arbitrary })

  if (op.body) {
    const schema = op.body.schema
    broken(
      6,
      fc
        .tuple(parts, invalidValue(schema, schemaOptions))
        .map(([p, body]) =>
          request(p, { case: 'body breaks the schema', ...jsonBody(body), expect: passes(schema, body) ? 'any' : 'refused' }),
        ),
    )
    broken(
      2,
      fc
        .tuple(parts, hostileValue)
        .map(([p, body]) =>
          request(p, { case: 'body is a hostile value', ...jsonBody(body), expect: passes(schema, body) ? 'any' : 'refused' }),
        ),
    )
    broken(
      2,
      fc
        .tuple(parts, malformedJson)
        .map(([p, text]) =>
          request(p, { case: 'body is not JSON', body: text, headers: { 'content-type': 'application/json' }, expect: 'refused' }),
        ),
    )
    broken(
      1,
      fc
        .tuple(parts, protoJson)
        .map(([p, text]) =>
          request(p, { case: 'body pollutes prototypes', body: text, headers: { 'content-type': 'application/json' }, expect: 'refused' }),
        ),
    )
    broken(
      2,
      fc.tuple(parts, wrongContentTypes).map(([p, type]) => {
        const text = JSON.stringify(p.body ?? {})
        // Another media type is a 415; text/plain reaches the schema as a string, which an object schema refuses.
        return request(p, {
          case: `body sent as ${type || 'no content-type'}`,
          body: text,
          headers: { 'content-type': type },
          expect: passes(schema, text) ? 'any' : 'refused',
        })
      }),
    )
    broken(
      1,
      parts.map((p) =>
        request(p, {
          case: 'body over the size limit',
          body: JSON.stringify({ padding: 'x'.repeat(options.bodyLimitBytes) }),
          headers: { 'content-type': 'application/json' },
          expect: 'refused',
        }),
      ),
    )
  }

  if (op.query.length > 0) {
    broken(
      4,
      fc
        .constantFrom(...op.query)
        .chain((param) =>
          fc.tuple(parts, fc.constant(param), fc.oneof(invalidValue(param.schema, schemaOptions).map(scalar).filter(short), hostileShort)),
        )
        .map(([p, param, raw]) => {
          const pairs = queryPairs({ ...p.query, [param.name]: raw })
          return request(p, {
            case: `query ${param.name} breaks its schema`,
            target: target(p.params, pairs),
            expect: passesConverted(param.schema, raw) ? 'any' : 'refused',
          })
        }),
    )
    broken(
      2,
      fc
        .tuple(parts, fc.constantFrom(...op.query), fc.array(fc.string({ maxLength: 8 }), { minLength: 2, maxLength: 4 }))
        .map(([p, param, values]) => {
          const pairs = [
            ...queryPairs(p.query).filter(([k]) => k !== param.name),
            ...values.map((v) => [param.name, v] as [string, string]),
          ]
          return request(p, {
            case: `query ${param.name} repeated`,
            target: target(p.params, pairs),
            expect: passesConverted(param.schema, values) ? 'any' : 'refused',
          })
        }),
    )
    const required = op.query.filter((q) => q.required)
    if (required.length > 0) {
      broken(
        1,
        fc.tuple(parts, fc.constantFrom(...required)).map(([p, param]) =>
          request(p, {
            case: `query ${param.name} missing`,
            target: target(
              p.params,
              queryPairs(p.query).filter(([k]) => k !== param.name),
            ),
            expect: 'refused',
          }),
        ),
      )
    }
    broken(
      1,
      fc.tuple(parts, fc.constantFrom('unknown', '__proto__', 'constructor', ''), hostileShort).map(([p, key, value]) => {
        const pairs = [...queryPairs(p.query), [key, value] as [string, string]]
        // The document lists query parameters one by one: it does not say whether others are refused.
        return request(p, { case: `query has unknown ${key || 'empty'} parameter`, target: target(p.params, pairs) })
      }),
    )
  }
  broken(
    1,
    fc
      .tuple(
        parts,
        fc.constantFrom('%', '%E0%A4%A=1', 'a=%ZZ', '&&&', '=', 'a[b]=1', 'a[__proto__][x]=1', 'a.b=1', ';', '%00=%00', 'limit=%ED%A0%80'),
      )
      .map(([p, raw]) => {
        const current = target(p.params, queryPairs(p.query))
        return request(p, { case: 'query string is malformed', target: `${current}${current.includes('?') ? '&' : '?'}${raw}` })
      }),
  )

  if (op.params.length > 0) {
    broken(
      4,
      fc.tuple(parts, fc.constantFrom(...op.params), pathAttacks).map(([p, param, raw]) => {
        const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => (name === param.name ? raw : encode(scalar(p.params[name]))))
        const decoded = decodeOrUndefined(raw)
        const valid = decoded !== undefined && !decoded.includes('/') && passesConverted(param.schema, decoded)
        return request(p, { case: `path ${param.name} is odd`, target: path, expect: valid ? 'any' : 'refused' })
      }),
    )
  }

  if (op.auth !== 'none') {
    broken(
      3,
      fc
        .tuple(
          parts,
          fc.oneof(
            fc.constantFrom(...options.forgedAuthorizations),
            hostileShort.map((s) => `Bearer ${latin1(s)}`),
            fc.constant(''),
          ),
        )
        .map(([p, raw]) =>
          request(p, { case: raw ? 'bearer token forged or malformed' : 'no token', auth: raw ? { raw } : 'none', expect: 'refused' }),
        ),
    )
    if (op.auth === 'admin')
      broken(
        2,
        parts.map((p) => request(p, { case: 'user token on an admin route', auth: 'user', expect: 'refused' })),
      )
  }

  broken(
    1,
    fc
      .tuple(
        parts,
        fc.constantFrom('x-request-id', 'idempotency-key', 'accept', 'accept-encoding', 'origin', 'x-forwarded-for', 'stripe-signature'),
        hostileShort,
      )
      .map(([p, name, value]) => request(p, { case: `header ${name} is hostile`, headers: { [name]: latin1(value) } })),
  )
  return fc.oneof(...cases)
}

/** Requests with a method the document does not give this path: a 404 or 405. */
export function otherMethodRequests(path: string, declared: string[]): fc.Arbitrary<FuzzRequest> | undefined {
  const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !declared.includes(m))
  if (others.length === 0) return undefined
  const concrete = path.replace(/\{[^}]+\}/g, 'x')
  return fc.constantFrom(...others).map((method) => ({
    case: 'method not declared',
    method,
    target: concrete,
    auth: 'user' as const,
    headers: {},
    expect: 'refused' as const,
  }))
}

/** Requests whose head (request line and headers) is over Node's 16 KB: a 431 before any route. */
export function headRequests(paths: string[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(fc.constantFrom(...paths.map((path) => path.replace(/\{[^}]+\}/g, 'x'))), fc.integer({ min: 17_000, max: 40_000 }), fc.boolean())
    .map(
      ([path, size, inHeader]): FuzzRequest => ({
        case: 'request head over 16 KB',
        method: 'GET',
        target: inHeader ? path : `${path}?pad=${'x'.repeat(size)}`,
        auth: 'user',
        headers: inHeader ? { 'x-pad': 'x'.repeat(size) } : {},
        expect: 'refused',
      }),
    )
}

/** Header values must be Latin-1 without CR/LF, or Node refuses to send them. */
function latin1(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')
}

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 })

/** Sends one request over HTTP, exactly as described (no URL normalization). */
export function send(baseUrl: string, req: FuzzRequest, tokens: Record<'user' | 'admin', string>): Promise<Answer> {
  const headers: Record<string, string> = { ...req.headers }
  if (headers['content-type'] === '') delete headers['content-type']
  if (typeof req.auth === 'object') headers.authorization = req.auth.raw
  else if (req.auth !== 'none') headers.authorization = `Bearer ${tokens[req.auth]}`
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body))
  // A body the server will not read ends its connection: it gets one of its own.
  const own = req.case === 'body over the size limit'
  return attempt(new URL(baseUrl), req, own ? { ...headers, connection: 'close' } : headers, own ? false : agent, true)
}

function attempt(url: URL, req: FuzzRequest, headers: Record<string, string>, via: Agent | false, retry: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { agent: via, host: url.hostname, port: url.port, method: req.method, path: req.target, headers, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 30 s')))
    outgoing.on('error', (err: NodeJS.ErrnoException) => {
      const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE'
      // A kept-alive socket the server closed just as it was reused: Node's documented case for one retry.
      if (reset && retry && outgoing.reusedSocket) resolve(attempt(url, req, headers, false, false))
      // A server refusing a body it will not read may close the connection while the body is being sent.
      else if (reset) resolve({ status: 0, headers: {}, body: `connection closed: ${err.code}` })
      else reject(err)
    })
    outgoing.end(req.body)
  })
}

/** What is wrong with the answer to this request, or undefined when nothing is. */
export function verdict(req: FuzzRequest, answer: Answer): string | undefined {
  const excerpt = answer.body.slice(0, 300)
  if (answer.status === 0) return req.case === 'body over the size limit' ? undefined : `no answer (${excerpt})`
  if (answer.status >= 500) return `answered ${answer.status}: ${excerpt}`
  if (answer.status >= 400) {
    let body: unknown
    try {
      body = JSON.parse(answer.body)
    } catch {
      return `answered ${answer.status} with a body that is not JSON: ${excerpt}`
    }
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
      return `answered ${answer.status} without the error shape {"error":{"code","message"}}: ${excerpt}`
    }
    return undefined
  }
  if (req.expect === 'refused') return `accepted (${answer.status}) a request that breaks the route's schemas or auth: ${excerpt}`
  return undefined
}
