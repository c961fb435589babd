// The apps the dev stack knows, their ports and the env vars other apps find them by.
export interface AppEntry {
  name: string
  dir: string
  port: number
  portVar: string
  urlVar: string
}

const entry = (name: string, port: number): AppEntry => {
  const prefix = name.toUpperCase().replaceAll('-', '_')
  return { name, dir: `apps/${name}`, port, portVar: `${prefix}_PORT`, urlVar: `${prefix}_URL` }
}

/** In start order: services first, the gateway last (it calls them). */
export const APPS: readonly AppEntry[] = [
  entry('subscription-service', 3001),
  entry('usage-service', 3002),
  entry('action-log-service', 3003),
  entry('simulation-service', 3004),
  entry('migrator', 3005),
  entry('gateway', 3000),
]

export const DYNAMODB_LOCAL_PORT = 8000
