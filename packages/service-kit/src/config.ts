// Environment configuration: one TypeBox schema per app, validated once at boot.
import {
  calleesOf,
  callersOf,
  callerTokenVar,
  LOCAL_STAGE,
  STAGE_PATTERN,
  type Caller,
  type CallerOf,
  localServiceUrl,
  portVar,
  SERVICES,
  tokenVar,
  urlVar,
  type CallerTokenVar,
  type PortVar,
  type ServiceName,
  type TokenVar,
  type UrlVar,
} from '@f1/contracts/services'
import Type, { type Static, type TInteger, type TProperties, type TString } from 'typebox'
import Value from 'typebox/value'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export const TRACE_EXPORTERS = ['none', 'otlp', 'file', 'console'] as const
// `false`, `true`, a hop count, or a list of addresses / CIDRs / proxy-addr's names (`loopback`...).
const TRUST_PROXY_ITEM = '([0-9A-Fa-f.:]+(/[0-9]{1,3})?|loopback|linklocal|uniquelocal)'
const TRUST_PROXY_PATTERN = `^(true|false|[0-9]{1,2}|${TRUST_PROXY_ITEM}( *, *${TRUST_PROXY_ITEM})*)$`

export { LOCAL_STAGE }

/** Settings every app shares (docs/architecture.md, "Configuration"). */
export const BaseConfigProperties = {
  STAGE: Type.String({
    pattern: STAGE_PATTERN,
    default: LOCAL_STAGE,
    description: '`local` on a laptop and in tests (the dev defaults apply); any other name (`dev`, `staging`, `prod`) is a deployment, which refuses every dev default',
  }),
  AWS_REGION: Type.String({ minLength: 1, default: 'us-east-1', description: 'Region of the AWS clients' }),
  DYNAMODB_ENDPOINT: Type.Optional(Type.String({ format: 'uri', description: 'DynamoDB endpoint override; unset in AWS' })),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Interface to listen on' }),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info', description: 'pino log level' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576, description: 'Largest accepted request body' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000, description: 'Time in-flight requests get when the app stops (a signal, an uncaught error)' }),
  REQUEST_TIMEOUT_MS: Type.Integer({
    minimum: 1_000,
    default: 30_000,
    description: 'Time a client has to send a whole request, headers and body (cuts off slow senders)',
  }),
  CONNECTION_TIMEOUT_MS: Type.Integer({
    minimum: 1_000,
    default: 150_000,
    description: 'Socket inactivity before it is closed, a request in flight included: above the longest handler (simulations: 120 s)',
  }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({
    minimum: 1_000,
    default: 72_000,
    description: "Idle keep-alive sockets are closed after this; above the load balancer's idle timeout (ALB: 60 s)",
  }),
  OTEL_TRACES_EXPORTER: Type.Enum(TRACE_EXPORTERS, {
    default: 'none',
    description:
      'Where spans go: `otlp` (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT: the collector beside each task in AWS), `file` (JSON lines in TRACES_FILE, what `f1-local traces` reads), `console` (stderr), or `none`',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    Type.String({ format: 'uri', description: 'The OTLP/HTTP collector (spans go to <endpoint>/v1/traces); unset: http://localhost:4318' }),
  ),
  OTEL_TRACES_SAMPLER_ARG: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 1,
    description: "Share of new traces recorded; a call that arrives with a trace follows its caller's decision",
  }),
  TRACES_FILE: Type.String({ minLength: 1, default: 'traces.jsonl', description: 'The file `OTEL_TRACES_EXPORTER=file` appends spans to' }),
  TRUST_PROXY: Type.String({
    default: 'false',
    pattern: TRUST_PROXY_PATTERN,
    description:
      'Which X-Forwarded-For hops to believe for the client address: `false`, a hop count (`1` behind one ALB), comma-separated proxy IPs/CIDRs, or `true` (all: spoofable)',
  }),
}

/** Values used only with STAGE=local, so a laptop runs with no setup; a deployment leaves endpoints unset (the real AWS ones). */
export const BASE_DEV_DEFAULTS: Readonly<Record<string, string>> = {
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
  HOST: '127.0.0.1',
}

/** The `<SERVICE>_PORT` setting of the app that is `service`, defaulting to its port in SERVICES. */
export function portConfig<S extends ServiceName>(service: S): { [K in PortVar<S>]: TInteger } {
  const port = Type.Integer({ minimum: 0, maximum: 65535, default: SERVICES[service].defaultPort, description: 'Port to listen on' })
  return { [portVar(service)]: port } as { [K in PortVar<S>]: TInteger }
}

/**
 * The settings of a service this app calls: its base URL (`<CALLEE>_URL`) and the token this app
 * presents there (`<CALLEE>_TOKEN`: one per caller and callee, so a leaked one opens one pair only).
 */
export function serviceCallConfig<S extends ServiceName>(callee: S, description: string): { [K in UrlVar<S> | TokenVar<S>]: TString } {
  return {
    [urlVar(callee)]: Type.String({ format: 'uri', description }),
    [tokenVar(callee)]: Type.String({ minLength: 16, description: `Token this app presents to ${callee} in x-service-token` }),
  } as { [K in UrlVar<S> | TokenVar<S>]: TString }
}

/** The `TOKEN_FROM_<CALLER>` settings of a service: the token each service that calls it presents. */
export function callerTokensConfig<S extends ServiceName>(callee: S): { [K in CallerTokenVar<CallerOf<S>>]: TString } {
  const entries = callersOf(callee).map((caller) => [
    callerTokenVar(caller),
    Type.String({ minLength: 16, description: `Token ${caller} presents in x-service-token (its ${tokenVar(callee)})` }),
  ])
  return Object.fromEntries(entries) as { [K in CallerTokenVar<CallerOf<S>>]: TString }
}

/** The token each caller presents to `callee`, from the app's loaded config (TOKEN_FROM_<CALLER>). */
export function callerTokens(config: object, callee: ServiceName): Record<string, string> {
  const tokens: Record<string, string> = {}
  for (const caller of callersOf(callee)) {
    const value: unknown = Reflect.get(config, callerTokenVar(caller))
    if (typeof value !== 'string') throw new Error(`${callerTokenVar(caller)} is missing from ${callee}'s config`)
    tokens[caller] = value
  }
  return tokens
}

/** The dev-only token of a (caller, callee) pair: the local stack needs no setup, and each pair still has its own. */
export const devServiceToken = (caller: ServiceName, callee: ServiceName): string => `dev-token-${caller}-to-${callee}`

/** Dev defaults of the services `caller` calls: where the local stack runs them, and each pair's dev token. */
export function localServiceCalls(caller: Caller): Record<string, string> {
  return Object.fromEntries(calleesOf(caller).flatMap((callee) => [[urlVar(callee), localServiceUrl(callee)], [tokenVar(callee), devServiceToken(caller, callee)]]))
}

/** Dev defaults of the tokens `callee` accepts: each caller's dev token. */
export function localCallerTokens(callee: ServiceName): Record<string, string> {
  return Object.fromEntries(callersOf(callee).map((caller) => [callerTokenVar(caller), devServiceToken(caller, callee)]))
}

// Values of these are never echoed in error messages (they end up in deploy logs).
const SECRET = /TOKEN|SECRET|KEY|PASSWORD/

/**
 * Marks an optional variable that a deployed stage must set: locally its absence switches a
 * feature off (the local stack or a test sets it when it wants the feature), in AWS it is a mistake.
 */
export const REQUIRED_WHEN_DEPLOYED = { requiredWhenDeployed: true } as const
export const isRequiredWhenDeployed = (schema: unknown): boolean =>
  (schema as { requiredWhenDeployed?: unknown }).requiredWhenDeployed === true

/** The configuration an app's properties describe, as loadConfig returns it. */
export type ConfigOf<P extends TProperties> = Static<ReturnType<typeof Type.Object<P>>>
export type BaseConfig = ConfigOf<typeof BaseConfigProperties>

/** Raised at boot; its message names every bad or missing variable. */
export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>
  /** Extra dev-only defaults of this app (secrets, endpoints), on top of BASE_DEV_DEFAULTS. */
  devDefaults?: Readonly<Record<string, string>>
}

/**
 * Reads the schema's variables from the environment, applies defaults (dev defaults only with
 * STAGE=local), converts strings to numbers, and checks everything. Throws ConfigError.
 */
export function loadConfig<P extends TProperties>(properties: P, options: LoadConfigOptions = {}): ConfigOf<P> {
  const env = options.env ?? process.env
  const schema = Type.Object(properties)
  const devDefaults = { ...BASE_DEV_DEFAULTS, ...options.devDefaults }
  const stage = env.STAGE || LOCAL_STAGE
  const deployed = stage !== LOCAL_STAGE
  const problems: string[] = []
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
    else if (!deployed && devDefaults[key] !== undefined) raw[key] = devDefaults[key]
  }
  if (deployed) {
    for (const [key, devValue] of Object.entries(devDefaults)) {
      if (key in properties && raw[key] === devValue) problems.push(`${key}: is the dev default; STAGE=${stage} needs a real value`)
    }
    for (const [key, schema] of Object.entries(properties)) {
      if (isRequiredWhenDeployed(schema) && raw[key] === undefined) problems.push(`${key}: is required (only STAGE=${LOCAL_STAGE} may leave it unset)`)
    }
  }
  const value = Value.Convert(schema, Value.Default(schema, raw))
  for (const error of Value.Errors(schema, value)) {
    const key = error.instancePath.split('/')[1]
    if (key) problems.push(`${key}: ${error.message}${key in raw && !SECRET.test(key) ? ` (got ${JSON.stringify(raw[key])})` : ''}`)
    else if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? []
      for (const name of missing) problems.push(`${name}: is required${deployed && name in devDefaults ? ` (only STAGE=${LOCAL_STAGE} has a default)` : ''}`)
    } else problems.push(error.message)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return value as ConfigOf<P>
}

/** An app's configuration: its schema and its dev-only defaults, loaded and documented from one place. */
export interface ConfigSpec<P extends TProperties> {
  properties: P
  devDefaults: Readonly<Record<string, string>>
  load(options?: LoadConfigOptions): ConfigOf<P>
}

export function defineConfig<P extends TProperties>(properties: P, devDefaults: Readonly<Record<string, string>> = {}): ConfigSpec<P> {
  return {
    properties,
    devDefaults,
    load: (options = {}) => loadConfig(properties, { ...options, devDefaults: { ...devDefaults, ...options.devDefaults } }),
  }
}

/** Fastify's `trustProxy` from TRUST_PROXY: a boolean, the trusted proxy addresses, or a hop count. */
export function trustProxyOption(value: string): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === 'true' || value === 'false') return value === 'true'
  if (/^[0-9]+$/.test(value)) {
    // The nearest `hops` addresses are proxies (what Fastify does with a number, which its types omit).
    const hops = Number(value)
    return (_address, hop) => hop < hops
  }
  return value.split(',').map((item) => item.trim())
}
