// The probe a container runtime runs for HEALTHCHECK: slim Node images have no curl, and the port is
// the service's own variable (or its default), as the service itself reads it.
import { portVar, SERVICES, type ServiceName } from '@f1/contracts/services'

const PROBE_TIMEOUT_MS = 3_000

/** 0 when the service in this container answers /health with 200, else 1 (the runtime's exit codes). */
export async function probeHealth(service: ServiceName, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const port = env[portVar(service)] ?? String(SERVICES[service].defaultPort)
  // A service listening on every interface (HOST 0.0.0.0, the default) answers on loopback.
  const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST
  try {
    const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/health`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
    return res.status === 200 ? 0 : 1
  } catch {
    return 1
  }
}
