// The console's screens and who may see them: sign-in and registration for everyone, the rest
// once signed in, the admin screen for role admin.
import type { ReactNode } from 'react'
import { Navigate, Route, Routes, useLocation } from 'react-router'
import { Layout } from './components/layout.tsx'
import { ActivityPage } from './pages/activity.tsx'
import { AdminPage } from './pages/admin.tsx'
import { HistoryPage } from './pages/history.tsx'
import { PlanPage } from './pages/plan.tsx'
import { RegisterPage, SignInPage } from './pages/sign-in.tsx'
import { SimulatePage } from './pages/simulate.tsx'
import { SimulationPage } from './pages/simulation.tsx'
import { useSession } from './session.tsx'

function SignedIn({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { session } = useSession()
  const location = useLocation()
  if (session === undefined) return <p className="loading">Loading…</p>
  if (session === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />
  if (admin && session.role !== 'admin') return <p role="alert">This screen is for operators (role admin).</p>
  return <Layout>{children}</Layout>
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/register" element={<RegisterPage />} />
      <Route path="/" element={<Navigate to="/simulate" replace />} />
      <Route
        path="/simulate"
        element={
          <SignedIn>
            <SimulatePage />
          </SignedIn>
        }
      />
      <Route
        path="/simulations"
        element={
          <SignedIn>
            <HistoryPage />
          </SignedIn>
        }
      />
      <Route
        path="/simulations/:simulationId"
        element={
          <SignedIn>
            <SimulationPage />
          </SignedIn>
        }
      />
      <Route
        path="/plan"
        element={
          <SignedIn>
            <PlanPage />
          </SignedIn>
        }
      />
      <Route
        path="/activity"
        element={
          <SignedIn>
            <ActivityPage />
          </SignedIn>
        }
      />
      <Route
        path="/admin"
        element={
          <SignedIn admin>
            <AdminPage />
          </SignedIn>
        }
      />
      <Route
        path="*"
        element={
          <p role="alert">
            No such page. <a href="/simulate">Back to the console</a>
          </p>
        }
      />
    </Routes>
  )
}
