// The user's action log (every domain event about them), newest first, a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query'
import { api, body } from '../api/client.ts'
import { ErrorNotice } from '../components/error-notice.tsx'

const PAGE = 25

function details(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'object') return String(value)
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k.replaceAll('_', ' ')}: ${String(v)}`)
    .join(' · ')
}

export function ActivityPage() {
  const pages = useInfiniteQuery({
    queryKey: ['actions'],
    queryFn: ({ pageParam }) =>
      body(api.GET('/api/users/actions', { params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
  const rows = pages.data?.pages.flatMap((p) => p.actions) ?? []
  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      <ErrorNotice error={pages.error} onRetry={() => void pages.refetch()} />
      {pages.isSuccess && rows.length === 0 && <p>Nothing yet.</p>}
      <ol className="activity">
        {rows.map((a) => (
          <li key={a.action_id}>
            <time dateTime={a.occurred_at}>{new Date(a.occurred_at).toLocaleString()}</time> <strong>{a.action_type}</strong>{' '}
            <span className="hint">{details(a.action_details)}</span>
          </li>
        ))}
      </ol>
      {pages.hasNextPage && (
        <button onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          Older
        </button>
      )}
    </section>
  )
}
