// The deployable services: their names, the port each listens on by default (locally), and the
// variables that set the port and tell other services where to find it. Everything that names a
// service (app configs, the dev stack, the CDK app, the event rules) takes it from here.

export const SERVICES = {
  'subscription-service': { defaultPort: 3001 },
  'usage-service': { defaultPort: 3002 },
  'action-log-service': { defaultPort: 3003 },
  'simulation-service': { defaultPort: 3004 },
  migrator: { defaultPort: 3005 },
  gateway: { defaultPort: 3000 },
} as const satisfies Record<string, { defaultPort: number }>

export type ServiceName = keyof typeof SERVICES

/** The stage of the local stack and the tests: the only one where the apps' dev defaults apply. */
export const LOCAL_STAGE = 'local'
/** A stage's name (the apps' STAGE, and part of every AWS resource's name): lower case, digits and dashes, 2-16 characters. */
export const STAGE_PATTERN = '^[a-z][a-z0-9-]{1,15}$'

/** Every service, callees before callers: the dev stack starts them in this order (the gateway last). */
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[]

/** `usage-service` -> `USAGE_SERVICE`, as a type too, so config schemas keep their literal keys. */
type EnvPrefix<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Uppercase<Head>}_${EnvPrefix<Tail>}` : Uppercase<S>
export type PortVar<S extends ServiceName> = `${EnvPrefix<S>}_PORT`
export type UrlVar<S extends ServiceName> = `${EnvPrefix<S>}_URL`

const envPrefix = (service: ServiceName): string => service.toUpperCase().replaceAll('-', '_')

/** The variable that sets a service's port: `USAGE_SERVICE_PORT`. */
export const portVar = <S extends ServiceName>(service: S): PortVar<S> => `${envPrefix(service)}_PORT` as PortVar<S>

/** The variable that gives other services a service's base URL: `USAGE_SERVICE_URL`. */
export const urlVar = <S extends ServiceName>(service: S): UrlVar<S> => `${envPrefix(service)}_URL` as UrlVar<S>

/** Where a service answers on this machine when nothing is configured. */
export const localServiceUrl = (service: ServiceName): string => `http://127.0.0.1:${SERVICES[service].defaultPort}`

/**
 * Which services each app calls over HTTP. Each (caller, callee) pair has its own service token, so
 * a token that leaks opens one callee to one caller's routes, not every service.
 */
export const SERVICE_CALLS = {
  gateway: ['usage-service', 'subscription-service', 'action-log-service', 'simulation-service', 'migrator'],
  'simulation-service': ['usage-service'],
} as const satisfies Partial<Record<ServiceName, readonly ServiceName[]>>

export type Caller = keyof typeof SERVICE_CALLS
export type CalleeOf<C extends Caller> = (typeof SERVICE_CALLS)[C][number]
/** The services that call S, as a type: `CallerOf<'usage-service'>` is `'gateway' | 'simulation-service'`. */
export type CallerOf<S extends ServiceName> = { [C in Caller]: S extends CalleeOf<C> ? C : never }[Caller]

export type TokenVar<S extends ServiceName> = `${EnvPrefix<S>}_TOKEN`
export type CallerTokenVar<S extends ServiceName> = `TOKEN_FROM_${EnvPrefix<S>}`

/** The caller's variable holding the token it presents to `callee`: `USAGE_SERVICE_TOKEN`. */
export const tokenVar = <S extends ServiceName>(callee: S): TokenVar<S> => `${envPrefix(callee)}_TOKEN` as TokenVar<S>

/** The callee's variable holding the token `caller` presents to it: `TOKEN_FROM_GATEWAY`. */
export const callerTokenVar = <S extends ServiceName>(caller: S): CallerTokenVar<S> => `TOKEN_FROM_${envPrefix(caller)}` as CallerTokenVar<S>

/** The services `service` calls (none for a service that only answers). */
export function calleesOf(service: ServiceName): readonly ServiceName[] {
  return (SERVICE_CALLS as Partial<Record<ServiceName, readonly ServiceName[]>>)[service] ?? []
}

/** The services that call `callee`, in SERVICE_CALLS order. */
export function callersOf<S extends ServiceName>(callee: S): CallerOf<S>[] {
  return (Object.keys(SERVICE_CALLS) as Caller[]).filter((caller) => (SERVICE_CALLS[caller] as readonly ServiceName[]).includes(callee)) as CallerOf<S>[]
}

/** Every (caller, callee) pair, one service token each. */
export function servicePairs(): { caller: Caller; callee: ServiceName }[] {
  return (Object.keys(SERVICE_CALLS) as Caller[]).flatMap((caller) => SERVICE_CALLS[caller].map((callee) => ({ caller, callee })))
}
