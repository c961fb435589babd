// The frame of every signed-in screen: the navigation (a menu button on narrow screens), who is
// signed in, and the main content.
import { useState, type ReactNode } from 'react'
import { NavLink, useNavigate } from 'react-router'
import { useSession } from '../session.tsx'
import { UsageMeter } from './usage-meter.tsx'

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession()
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const links = [
    { to: '/simulate', label: 'Simulate' },
    { to: '/simulations', label: 'History' },
    { to: '/plan', label: 'Plan & usage' },
    { to: '/activity', label: 'Activity' },
    ...(session?.role === 'admin' ? [{ to: '/admin', label: 'Migration' }] : []),
  ]
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">F1 Race Sim</span>
        <button className="menu" aria-expanded={open} aria-controls="nav" onClick={() => setOpen(!open)}>
          Menu
        </button>
        <nav id="nav" aria-label="Main" className={open ? 'open' : undefined}>
          {links.map((link) => (
            <NavLink key={link.to} to={link.to} onClick={() => setOpen(false)}>
              {link.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <UsageMeter compact />
          <span title={session?.email}>{session?.email}</span>
          <button
            onClick={() => {
              void signOut().then(() => navigate('/sign-in'))
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  )
}
