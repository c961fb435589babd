// The user's simulations, newest first, a page at a time; each opens its result.
import { useInfiniteQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { api, body } from '../api/client.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { simulationTitle } from '../lib/simulation-title.ts'

const PAGE = 20

export function HistoryPage() {
  const pages = useInfiniteQuery({
    queryKey: ['simulations'],
    queryFn: ({ pageParam }) =>
      body(api.GET('/api/simulations', { params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
  const rows = pages.data?.pages.flatMap((p) => p.simulations) ?? []
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">Your simulations</h1>
      <ErrorNotice error={pages.error} onRetry={() => void pages.refetch()} />
      {pages.isSuccess && rows.length === 0 && (
        <p>
          None yet. <Link to="/simulate">Run your first simulation</Link>.
        </p>
      )}
      {rows.length > 0 && (
        <table className="list history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Simulation</th>
              <th scope="col">Status</th>
              <th scope="col">Race time (s)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.simulation_id}>
                <td>{new Date(s.created_at).toLocaleString()}</td>
                <td>
                  <Link to={`/simulations/${encodeURIComponent(s.simulation_id)}`}>{simulationTitle(s)}</Link>
                </td>
                <td>{s.status ?? 'done'}</td>
                <td className="number">{typeof s.total_time === 'number' ? s.total_time.toFixed(3) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages.hasNextPage && (
        <button onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {pages.isFetchingNextPage ? 'Loading…' : 'Older simulations'}
        </button>
      )}
    </section>
  )
}
