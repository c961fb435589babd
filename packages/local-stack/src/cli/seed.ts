// Demo data for the dev stack, written through the gateway's own API.
export const DEMO_USER = { email: 'demo@f1-race-sim.dev', password: 'demo-driver-2026', name: 'Demo Driver' }
/** Gets role admin through ADMIN_EMAILS, which the dev stack sets to this address unless given. */
export const ADMIN_USER = { email: 'admin@f1-race-sim.dev', password: 'admin-pit-wall-2026', name: 'Race Control' }

export interface SeededUser {
  email: string
  password: string
  state: 'created' | 'already there'
}

/** Registers a user; an existing one (persistent data dir) is fine. */
export async function seedUser(gatewayUrl: string, user: typeof DEMO_USER): Promise<SeededUser> {
  const res = await fetch(`${gatewayUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  })
  if (res.status === 201) return { email: user.email, password: user.password, state: 'created' }
  if (res.status === 409) return { email: user.email, password: user.password, state: 'already there' }
  throw new Error(`seeding ${user.email} failed: ${res.status} ${await res.text()}`)
}
