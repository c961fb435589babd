// The optimizer for the chosen driver: the fastest 1-, 2- and 3-stop strategies on a free track,
// re-evaluated in the race, and the race time against the pit lap of a one-stop (pro plan). Asked to
// re-evaluate them in Monte Carlo too, the gateway runs it as a job (202): its page shows progress,
// can cancel it, and keeps the answer in the history.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useNavigate } from 'react-router'
import { api } from '../api/client.ts'
import type { OptimizeRequest } from '../api/types.ts'
import { OptimizerCharts, isOptimizeResult } from '../charts/index.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { USAGE_KEY } from '../components/usage-meter.tsx'

/** The gateway's limit on a re-evaluation's runs (each runs the three candidates). */
const MAX_EVALUATE_RUNS = 10_000

export function OptimizerPanel({ trackId, season, driver }: { trackId: string; season: number; driver: string }) {
  const queries = useQueryClient()
  const navigate = useNavigate()
  const runsId = useId()
  const [evaluate, setEvaluate] = useState(false)
  const [runs, setRuns] = useState(1_000)
  const optimize = useMutation({
    mutationFn: async (request: OptimizeRequest) => {
      const { data } = await api.POST('/api/strategies/optimize', {
        body: request,
        headers: { 'idempotency-key': crypto.randomUUID() },
      })
      return data!
    },
    onSuccess: (answer) => {
      if (!('simulation_id' in answer)) return
      // A job: its page follows it to the end.
      void queries.invalidateQueries({ queryKey: ['simulations'] })
      void navigate(`/simulations/${encodeURIComponent(answer.simulation_id)}`)
    },
    onSettled: () => void queries.invalidateQueries({ queryKey: USAGE_KEY }),
  })
  const result = optimize.data
  const runsValid = Number.isInteger(runs) && runs >= 1 && runs <= MAX_EVALUATE_RUNS

  function search() {
    optimize.mutate({ track_id: trackId, season, driver, ...(evaluate ? { evaluate_runs: runs } : {}) })
  }

  return (
    <section aria-labelledby="optimizer-title" className="optimizer">
      <h2 id="optimizer-title">Best strategies for {driver}</h2>
      <p className="hint">Searches every 1-, 2- and 3-stop strategy, then runs the best in the full race.</p>
      <label className="choice">
        <input type="checkbox" checked={evaluate} onChange={(e) => setEvaluate(e.target.checked)} />
        Also race the best of each stop count in a Monte Carlo study (safety cars, failures), queued as a job
      </label>
      {evaluate && (
        <label htmlFor={runsId}>
          Monte Carlo runs <span className="hint">(3 monte_carlo_run each)</span>
          <input
            id={runsId}
            type="number"
            min={1}
            max={MAX_EVALUATE_RUNS}
            value={runs}
            aria-invalid={!runsValid}
            onChange={(e) => setRuns(Number(e.target.value))}
          />
        </label>
      )}
      <button onClick={search} disabled={optimize.isPending || !driver || (evaluate && !runsValid)}>
        {optimize.isPending ? 'Searching…' : 'Find the best strategies'}
      </button>
      <ErrorNotice error={optimize.error} />
      {result && isOptimizeResult(result) && <OptimizerCharts result={result} />}
    </section>
  )
}
