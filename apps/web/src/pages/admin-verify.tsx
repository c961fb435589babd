// The admin page's verify: compares legacy with the new tables in the background (reads only), polls
// it, and shows the outcome: agree, or the differences by type, per table, and the first of them.
import { useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, body } from '../api/client.ts'
import type { Verification } from '../api/types.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { num, runningVerification, verifyOutcome, verifyProgressText } from '../lib/verification.ts'

/** `lastId`: the newest verify the migration status names (started here, elsewhere, or before a reload). */
export function VerifyPanel({ backfillRunning, lastId }: { backfillRunning: boolean; lastId: string | undefined }) {
  const [followed, follow] = useState<string>()
  const id = followed ?? lastId
  const start = useMutation({
    mutationFn: () => body(api.POST('/api/admin/migration/verify', { body: {}, headers: { 'idempotency-key': crypto.randomUUID() } })),
    onSuccess: (started) => follow(started.verification_id),
    onError: (err) => {
      const running = runningVerification(err)
      if (running) follow(running)
    },
  })
  const verification = useQuery({
    queryKey: ['migration-verification', id],
    queryFn: () => body(api.GET('/api/admin/migration/verifications/{id}', { params: { path: { id: id! } } })),
    enabled: id !== undefined,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 1_000 : false),
  })
  const running = verification.data?.status === 'running'
  // A start refused because a verify runs is no error: the page follows that verify.
  const startError = runningVerification(start.error) ? null : start.error
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Verify</h2>
      <p className="hint" id="verify-hint">
        Compares every legacy item with the new tables, and every migrated row with legacy. It only reads; one runs at a time.
      </p>
      <ErrorNotice error={startError ?? verification.error} onRetry={() => void verification.refetch()} />
      <div className="row">
        <button onClick={() => start.mutate()} disabled={backfillRunning || running || start.isPending} aria-describedby="verify-hint">
          Start a verify
        </button>
        {backfillRunning && <span className="hint">Verify once the run ends: rows it has not written yet would read as missing.</span>}
      </div>
      {verification.data && <VerificationView verification={verification.data} />}
    </section>
  )
}

function VerificationView({ verification: v }: { verification: Verification }) {
  const p = v.progress
  const outcome = v.report ? (v.report.agree ? 'agree' : 'differ') : v.status
  return (
    <article className="run" data-verification-status={v.status} aria-label={`Verification: ${v.status}`}>
      <h3>
        Verification <span className={`badge ${v.report && !v.report.agree ? 'failed' : v.status}`}>{outcome}</span>
      </h3>
      <p className="hint">
        {v.verification_id} · started {new Date(v.started_at).toLocaleString()}
        {v.finished_at ? ` · finished ${new Date(v.finished_at).toLocaleString()}` : ''}
      </p>
      {v.status === 'running' && (
        <>
          <label htmlFor="verify-progress">{verifyProgressText(p)}</label>
          {p.pass === 'legacy' && p.total_estimate ? (
            <progress id="verify-progress" max={p.total_estimate} value={Math.min(p.legacy_read, p.total_estimate)} />
          ) : (
            <progress id="verify-progress" />
          )}
        </>
      )}
      {v.status === 'interrupted' && (
        <p className="notice error">The verify stopped before its end (its service stopped). Start a new one.</p>
      )}
      {v.error && <p className="notice error">{v.error}</p>}
      {v.backfill_run_id && (
        <p className="notice error">
          A backfill ({v.backfill_run_id}) wrote rows while this verify read them: rows reported missing may be there now. Verify again once
          it ends.
        </p>
      )}
      {v.report && <VerifyReport report={v.report} />}
    </article>
  )
}

function VerifyReport({ report }: { report: NonNullable<Verification['report']> }) {
  const l = report.legacy
  const total = report.differences.missing + report.differences.different + report.differences.extra
  return (
    <>
      <p className={`notice ${report.agree ? 'success' : 'error'}`} role="status">
        {verifyOutcome(report)}
      </p>
      <p className="hint">
        Legacy: {num(l.read)} items read, {num(l.mapped)} mapped; {num(l.rejected)} rejected and {num(l.skipped)} skipped, as expected (not
        differences).
      </p>
      <div className="scroll-x">
        <table className="list verify-tables">
          <caption>Per table</caption>
          <thead>
            <tr>
              <th scope="col">table</th>
              <th scope="col" className="number">
                expected
              </th>
              <th scope="col" className="number">
                matching
              </th>
              <th scope="col" className="number">
                kept live
              </th>
              <th scope="col" className="number">
                migrated rows
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(report.tables).map(([table, c]) => (
              <tr key={table}>
                <th scope="row">{table}</th>
                <td className="number">{num(c.expected)}</td>
                <td className="number">{num(c.matching)}</td>
                <td className="number">{num(c.kept_live)}</td>
                <td className="number">{num(c.migrated_rows)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.sample.length > 0 && (
        <div className="scroll-x">
          <table className="list differences">
            <caption>
              {report.sample.length < total
                ? `The first ${num(report.sample.length)} of ${num(total)} differences (the CLI's verify lists them all)`
                : `The ${num(total)} difference${total === 1 ? '' : 's'}`}
            </caption>
            <thead>
              <tr>
                <th scope="col">type</th>
                <th scope="col">table</th>
                <th scope="col">legacy id</th>
                <th scope="col">row</th>
                <th scope="col">detail</th>
              </tr>
            </thead>
            <tbody>
              {report.sample.map((d, i) => (
                <tr key={`${d.type}-${d.row}-${i}`} data-difference={d.type}>
                  <td>{d.type}</td>
                  <td>{d.table}</td>
                  <td className="id">{d.legacy_id}</td>
                  <td className="id">{d.row}</td>
                  <td>{d.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}
