// An error as a person reads it, with the one thing to do about it.
import { Link } from 'react-router'
import { describeError } from '../api/errors.ts'

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null
  const view = describeError(error)
  return (
    <div className="notice error" role="alert" data-error-action={view.action}>
      <strong>{view.title}.</strong> {view.message} {view.action === 'upgrade' && <Link to="/plan">See plans and upgrade</Link>}
      {view.action === 'sign-in' && <Link to="/sign-in">Sign in</Link>}
      {view.action === 'retry' && onRetry && <button onClick={onRetry}>Retry</button>}
    </div>
  )
}
