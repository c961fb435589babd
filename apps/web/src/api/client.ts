// The gateway's API, typed from its OpenAPI document (schema.d.ts). The browser sends the session
// cookie itself (same origin: the dev server and the CDN both route /api to the gateway); a failed
// answer becomes an ApiError, and a 401 tells the session it has ended.
import createClient, { type Middleware } from 'openapi-fetch'
import { ApiError } from './errors.ts'
import type { paths } from './schema'

type SignedOutListener = () => void
const signedOutListeners = new Set<SignedOutListener>()

/** Called whenever the gateway answers 401 to a signed-in request (an expired or cleared session). */
export function onSignedOut(listener: SignedOutListener): () => void {
  signedOutListeners.add(listener)
  return () => signedOutListeners.delete(listener)
}

const throwOnError: Middleware = {
  async onResponse({ response, request }) {
    if (response.ok) return undefined
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => null)
    const error = new ApiError(response.status, body, response.headers.get('retry-after'))
    // A wrong password is a 401 too, but nobody was signed in.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/'))
      for (const listener of signedOutListeners) listener()
    throw error
  },
}

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? 'http://localhost', credentials: 'same-origin' })
api.use(throwOnError)

/** The body of a success (openapi-fetch answers `{data}`; errors were thrown by the middleware). */
export async function body<T>(call: Promise<{ data?: T }>): Promise<T> {
  const { data } = await call
  return data as T
}
