// One simulation: what was asked, and its result as charts. A long study (a job) shows its progress
// and ETA while it runs, polling, and can be cancelled.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { api, body } from '../api/client.ts'
import { waitText } from '../api/errors.ts'
import type { Simulation } from '../api/types.ts'
import { ResultCharts } from '../charts/index.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { USAGE_KEY } from '../components/usage-meter.tsx'
import { simulationTitle } from '../lib/simulation-title.ts'

const OPEN = new Set(['queued', 'running', 'cancelling'])
/** What total_time is, per mode. */
const TIME_LABELS: Record<string, string> = {
  monte_carlo: 'Median race time',
  optimize: 'Median race time of the best strategy',
}
const POLL_MS = 1_000

export function SimulationPage() {
  const { simulationId = '' } = useParams()
  const queries = useQueryClient()
  const simulation = useQuery({
    queryKey: ['simulation', simulationId],
    queryFn: () => body(api.GET('/api/simulations/{simulationId}', { params: { path: { simulationId } } })),
    refetchInterval: (query) => (OPEN.has(query.state.data?.status ?? '') ? POLL_MS : false),
  })
  const cancel = useMutation({
    mutationFn: () => body(api.DELETE('/api/simulations/{simulationId}', { params: { path: { simulationId } } })),
    onSuccess: (job) => {
      queries.setQueryData(['simulation', simulationId], job)
      void queries.invalidateQueries({ queryKey: USAGE_KEY })
    },
  })

  const data = simulation.data
  return (
    <section aria-labelledby="simulation-title">
      <p>
        <Link to="/simulations">← History</Link>
      </p>
      <ErrorNotice error={simulation.error} onRetry={() => void simulation.refetch()} />
      {data && (
        <>
          <h1 id="simulation-title">{simulationTitle(data)}</h1>
          <Summary simulation={data} />
          {OPEN.has(data.status ?? '') && (
            <div className="job" role="status" aria-live="polite">
              <JobProgress simulation={data} />
              <button onClick={() => cancel.mutate()} disabled={cancel.isPending || data.status === 'cancelling'}>
                {data.status === 'cancelling' ? 'Cancelling…' : 'Cancel'}
              </button>
              <ErrorNotice error={cancel.error} />
            </div>
          )}
          {data.status === 'failed' && (
            <p role="alert" className="notice error">
              The study failed ({data.error?.code}): {data.error?.message}. Nothing was charged for it.
            </p>
          )}
          {data.status === 'cancelled' && (
            <p className="notice">
              Cancelled
              {data.partial
                ? `: the results cover the ${data.progress?.runs_done.toLocaleString()} runs done before the cancel, and only those were charged.`
                : '; nothing was charged.'}
            </p>
          )}
          {data.results !== undefined && <ResultCharts simulation={data} />}
        </>
      )}
    </section>
  )
}

function Summary({ simulation }: { simulation: Simulation }) {
  const time = simulation.total_time
  return (
    <dl className="summary">
      <dt>Created</dt>
      <dd>{new Date(simulation.created_at).toLocaleString()}</dd>
      {simulation.driver && (
        <>
          <dt>Driver</dt>
          <dd>{simulation.driver}</dd>
        </>
      )}
      <dt>{TIME_LABELS[simulation.mode ?? ''] ?? 'Race time'}</dt>
      <dd>{time === null || time === undefined ? '—' : `${time.toFixed(3)} s`}</dd>
    </dl>
  )
}

function JobProgress({ simulation }: { simulation: Simulation }) {
  const done = simulation.progress?.runs_done ?? 0
  const total = simulation.progress?.runs_total ?? 0
  const eta = simulation.eta_s
  return (
    <>
      <label htmlFor="job-progress">
        {simulation.status === 'queued' ? 'Queued' : 'Running'}: {done.toLocaleString()} of {total.toLocaleString()} runs
        {eta !== undefined && eta !== null ? `, done ${waitText(eta)}` : ''}
      </label>
      <progress id="job-progress" max={total || 1} value={done} />
    </>
  )
}
