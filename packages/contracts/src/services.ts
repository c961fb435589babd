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
