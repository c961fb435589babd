// The apps the dev stack runs: the services of @f1/contracts/services, each in apps/<name>.
import { SERVICE_NAMES, SERVICES, portVar, urlVar, type ServiceName } from '@f1/contracts/services'

export interface AppEntry {
  name: ServiceName
  dir: string
  port: number
  portVar: string
  urlVar: string
}

/** In start order: services first, the gateway last (it calls them). */
export const APPS: readonly AppEntry[] = SERVICE_NAMES.map((name) => ({
  name,
  dir: `apps/${name}`,
  port: SERVICES[name].defaultPort,
  portVar: portVar(name),
  urlVar: urlVar(name),
}))

export const DYNAMODB_LOCAL_PORT = 8000
