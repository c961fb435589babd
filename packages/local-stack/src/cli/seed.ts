// Demo data for the dev stack, written through the gateway's own API.
export const DEMO_USER = { email: 'demo@f1-race-sim.dev', password: 'demo-driver-2026', name: 'Demo Driver' }

/** Registers the demo user; an existing one (persistent data dir) is fine. */
export async function seedDemoUser(gatewayUrl: string): Promise<typeof DEMO_USER & { state: 'created' | 'already there' }> {
  const res = await fetch(`${gatewayUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_USER),
  })
  if (res.status === 201) return { ...DEMO_USER, state: 'created' }
  if (res.status === 409) return { ...DEMO_USER, state: 'already there' }
  throw new Error(`seeding the demo user failed: ${res.status} ${await res.text()}`)
}
