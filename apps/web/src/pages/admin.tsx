// The legacy migration for operators: the current and last backfill runs with progress, rate, ETA
// and report; start a dry run or a backfill (polls while a run holds the lock), or a verify.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, body } from '../api/client.ts'
import { waitText } from '../api/errors.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { VerifyPanel } from './admin-verify.tsx'

type Status = NonNullable<Awaited<ReturnType<typeof fetchStatus>>>
type Run = NonNullable<Status['current_run']>
const STATUS_KEY = ['migration-status'] as const

const fetchStatus = () => body(api.GET('/api/admin/migration/status'))

export function AdminPage() {
  const queries = useQueryClient()
  const status = useQuery({
    queryKey: STATUS_KEY,
    queryFn: fetchStatus,
    refetchInterval: (query) => (query.state.data?.current_run ? 1_000 : 10_000),
  })
  const start = useMutation({
    mutationFn: (dryRun: boolean) =>
      body(api.POST('/api/admin/migration/backfill', { body: { dry_run: dryRun }, headers: { 'idempotency-key': crypto.randomUUID() } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: STATUS_KEY }),
  })
  const running = Boolean(status.data?.current_run)
  // The status leaves reports out; the last run's comes from its own route once it has ended.
  const lastId = status.data?.last_run?.run_id
  const lastRun = useQuery({
    queryKey: ['migration-run', lastId],
    queryFn: () => body(api.GET('/api/admin/migration/runs/{id}', { params: { path: { id: lastId! } } })),
    enabled: lastId !== undefined,
    // An ended run's report is written just after its status: ask again until it is there.
    refetchInterval: (query) => (query.state.data && query.state.data.report === undefined ? 2_000 : false),
  })
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Legacy migration</h1>
      <ErrorNotice error={status.error ?? start.error} onRetry={() => void status.refetch()} />
      <div className="row">
        <button onClick={() => start.mutate(true)} disabled={running || start.isPending}>
          Start a dry run
        </button>
        <button
          className="primary"
          onClick={() => {
            if (
              window.confirm(
                'Start a backfill? It writes every legacy row into the new tables (safe to run again: nothing is counted twice).',
              )
            )
              start.mutate(false)
          }}
          disabled={running || start.isPending}
        >
          Start a backfill
        </button>
        {running && <span className="hint">A run is in progress; one runs at a time.</span>}
      </div>
      {status.data && (
        <>
          <p className="hint">Users migrated lazily (on first use): {status.data.user_markers.toLocaleString()}</p>
          {status.data.current_run && <RunView title="Current run" run={status.data.current_run} />}
          {status.data.last_run && (
            <RunView title="Last run" run={lastRun.data?.run_id === lastId ? lastRun.data! : status.data.last_run} />
          )}
          {!status.data.current_run && !status.data.last_run && <p>No run yet.</p>}
        </>
      )}
      <VerifyPanel backfillRunning={status.data?.current_run?.dry_run === false} lastId={status.data?.last_verification?.verification_id} />
    </section>
  )
}

function RunView({ title, run }: { title: string; run: Run }) {
  const p = run.progress
  const total = p.total_estimate ?? 0
  return (
    <article className="run" data-run-status={run.status} aria-label={`${title}: ${run.status}`}>
      <h2>
        {title}: {run.dry_run ? 'dry run' : 'backfill'} <span className={`badge ${run.status}`}>{run.status.replaceAll('_', ' ')}</span>
      </h2>
      <p className="hint">
        {run.run_id} · started {new Date(run.started_at).toLocaleString()}
        {run.finished_at ? ` · finished ${new Date(run.finished_at).toLocaleString()}` : ''}
      </p>
      <label htmlFor={`progress-${run.run_id}`}>
        {p.read.toLocaleString()} of {total ? `about ${total.toLocaleString()}` : 'an unknown number of'} items read
        {p.items_per_s !== undefined ? ` · ${p.items_per_s.toLocaleString()} items/s` : ''}
        {p.eta_s !== undefined && p.eta_s !== null ? ` · done ${waitText(p.eta_s)}` : ''}
      </label>
      <progress id={`progress-${run.run_id}`} max={total || 1} value={total ? Math.min(p.read, total) : 0} />
      <dl className="counts">
        {(['written', 'skipped', 'rejected', 'failed'] as const).map((k) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{p[k].toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {run.error && <p className="notice error">{run.error}</p>}
      {run.report !== undefined && (
        <details>
          <summary>Report</summary>
          <pre>{JSON.stringify(run.report, null, 2)}</pre>
        </details>
      )}
    </article>
  )
}
