// The optimizer for the chosen driver: the fastest 1-, 2- and 3-stop strategies on a free track,
// re-evaluated in the race, and the race time against the pit lap of a one-stop (pro plan).
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '../api/client.ts'
import { OptimizerCharts } from '../charts/index.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { USAGE_KEY } from '../components/usage-meter.tsx'

export function OptimizerPanel({ trackId, season, driver }: { trackId: string; season: number; driver: string }) {
  const queries = useQueryClient()
  const optimize = useMutation({
    mutationFn: async () => {
      const { data } = await api.POST('/api/strategies/optimize', {
        body: { track_id: trackId, season, driver },
        headers: { 'idempotency-key': crypto.randomUUID() },
      })
      return data!
    },
    onSettled: () => void queries.invalidateQueries({ queryKey: USAGE_KEY }),
  })
  const result = optimize.data
  return (
    <section aria-labelledby="optimizer-title" className="optimizer">
      <h2 id="optimizer-title">Best strategies for {driver}</h2>
      <p className="hint">Searches every 1-, 2- and 3-stop strategy, then runs the best in the full race.</p>
      <button onClick={() => optimize.mutate()} disabled={optimize.isPending || !driver}>
        {optimize.isPending ? 'Searching…' : 'Find the best strategies'}
      </button>
      <ErrorNotice error={optimize.error} />
      {result && 'strategies' in result && <OptimizerCharts result={result} />}
    </section>
  )
}
