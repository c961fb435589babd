// A user's current role as the profile says it, reused for at most ROLE_CACHE_TTL_MS: a token
// carries the role of its login, so routes that need the present one (admin) ask here, and a
// revocation reaches tokens already issued within the TTL.
import fp from 'fastify-plugin'
import type { Role } from '@f1/contracts/common'

declare module 'fastify' {
  interface FastifyInstance {
    /** The role on the user's profile now (cached briefly); 'user' when it has none or no profile. */
    currentRole(userId: string): Promise<Role>
  }
}

// Only holders of admin tokens are looked up, so this bound is never reached in practice.
const MAX_ENTRIES = 1_000

export default fp<{ ttlMs: number; now?: () => number }>(
  async (app, options) => {
    const now = options.now ?? Date.now
    const cache = new Map<string, { role: Role; expiresAt: number }>()
    app.decorate('currentRole', async (userId: string) => {
      const cached = cache.get(userId)
      if (cached && cached.expiresAt > now()) return cached.role
      const profile = await app.profiles.findProfileById(userId)
      const role: Role = profile?.role === 'admin' ? 'admin' : 'user'
      cache.delete(userId)
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string)
      cache.set(userId, { role, expiresAt: now() + options.ttlMs })
      return role
    })
  },
  { name: 'current-role', dependencies: ['profiles'], fastify: '5.x' },
)
