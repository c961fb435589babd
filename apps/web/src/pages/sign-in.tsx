// Sign-in and registration. After either, the user goes where they were headed.
import { useState, type FormEvent } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router'
import { ErrorNotice } from '../components/error-notice.tsx'
import { useSession } from '../session.tsx'

function useDestination(): string {
  const state = useLocation().state as { from?: string } | null
  return state?.from && state.from.startsWith('/') && !state.from.startsWith('//') ? state.from : '/simulate'
}

/** A form's submit: busy while it runs, its error kept to show, the action given the form's fields. */
function useSubmit(action: (form: FormData) => Promise<void>) {
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await action(new FormData(event.currentTarget))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return { error, busy, onSubmit: (event: FormEvent<HTMLFormElement>) => void submit(event) }
}

function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main id="main" className="auth">
      <h1>F1 Race Sim</h1>
      <h2>{title}</h2>
      {children}
    </main>
  )
}

export function SignInPage() {
  const { session, signIn } = useSession()
  const navigate = useNavigate()
  const destination = useDestination()
  const { error, busy, onSubmit } = useSubmit(async (form) => {
    await signIn(String(form.get('email')), String(form.get('password')))
    await navigate(destination, { replace: true })
  })
  if (session) return <Navigate to={destination} replace />

  return (
    <AuthFrame title="Sign in">
      <form onSubmit={onSubmit} className="stack">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        No account? <Link to="/register">Register</Link>
      </p>
    </AuthFrame>
  )
}

export function RegisterPage() {
  const { session, register } = useSession()
  const navigate = useNavigate()
  const { error, busy, onSubmit } = useSubmit(async (form) => {
    await register(String(form.get('name')), String(form.get('email')), String(form.get('password')))
    await navigate('/simulate', { replace: true })
  })
  if (session) return <Navigate to="/simulate" replace />

  return (
    <AuthFrame title="Create an account">
      <form onSubmit={onSubmit} className="stack">
        <label>
          Name
          <input name="name" autoComplete="name" required maxLength={100} />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password (at least 8 characters)
          <input name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </AuthFrame>
  )
}
