// Who is signed in. The token lives in an httpOnly cookie the gateway sets (scripts never see it, so
// an injected script cannot steal it); the console only asks the gateway who the cookie names, on
// load and after sign-in. Any 401 from the API (the session expired) clears it, and the routes send
// the user back to sign-in.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react'
import { api, body, onSignedOut } from './api/client.ts'
import { ApiError } from './api/errors.ts'
import type { Session } from './api/types.ts'

interface SessionState {
  /** undefined while the first answer is on its way; null when nobody is signed in. */
  session: Session | null | undefined
  signIn(email: string, password: string): Promise<Session>
  register(name: string, email: string, password: string): Promise<Session>
  signOut(): Promise<void>
}

const SessionContext = createContext<SessionState | undefined>(undefined)
const SESSION_KEY = ['session'] as const

async function currentSession(): Promise<Session | null> {
  try {
    return await body(api.GET('/api/auth/session'))
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null
    throw err
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient()
  const { data } = useQuery({ queryKey: SESSION_KEY, queryFn: currentSession, staleTime: Infinity, retry: 1 })

  const useOnly = useMemo(
    () => (session: Session | null) => {
      // Another user's (or nobody's) data must not show: drop everything but the session itself,
      // which this provider observes (clearing it would leave the observer on a removed query).
      queries.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] })
      queries.setQueryData(SESSION_KEY, session)
    },
    [queries],
  )

  useEffect(() => onSignedOut(() => useOnly(null)), [useOnly])

  const state = useMemo<SessionState>(() => {
    const signIn = async (email: string, password: string) => {
      const session = await body(api.POST('/api/auth/session', { body: { email, password } }))
      useOnly(session)
      return session
    }
    return {
      session: data,
      signIn,
      async register(name, email, password) {
        await body(api.POST('/api/auth/register', { body: { name, email, password } }))
        return signIn(email, password)
      },
      async signOut() {
        await api.DELETE('/api/auth/session')
        useOnly(null)
      },
    }
  }, [data, useOnly])

  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>
}

export function useSession(): SessionState {
  const state = useContext(SessionContext)
  if (!state) throw new Error('useSession outside SessionProvider')
  return state
}
