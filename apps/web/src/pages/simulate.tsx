// Set up a simulation: the race (track, season), the driver, his strategy (his real one to start
// from), the mode; then run it and open the result. Monte Carlo can compare a second strategy; race
// and Monte Carlo can sweep a figure of the race (sensitivity).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router'
import { api, body } from '../api/client.ts'
import type { SimulationRequest, Stint } from '../api/types.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { StintEditor } from '../components/stint-editor.tsx'
import { USAGE_KEY } from '../components/usage-meter.tsx'
import { stintProblems } from '../lib/stints.ts'
import { SWEEPS, sensitivityFor, sweptValues, type SweepKey } from '../lib/sweeps.ts'
import { OptimizerPanel } from './optimizer-panel.tsx'

type Mode = SimulationRequest['mode']
const MODES: Array<{ value: Mode; label: string; hint: string }> = [
  { value: 'race', label: 'Race', hint: 'The whole field, the recorded race as it was run' },
  { value: 'single', label: 'Single car', hint: 'His car alone on a free track' },
  { value: 'monte_carlo', label: 'Monte Carlo', hint: 'Many random races: safety cars, failures, pace noise (pro plan)' },
]

const withoutRefuel = (stints: ReadonlyArray<Stint>): Stint[] =>
  stints.map(({ start_lap, compound, tire_age }) => ({ start_lap, compound, tire_age }))

/** "56 laps; recorded: VSC on laps 0.8-1.4, 3 retirements." */
function raceText(race: {
  laps: number
  fcy_phases: ReadonlyArray<{ type: string; start_lap: number; end_lap: number }>
  retirements: readonly unknown[]
}): string {
  const yellows = race.fcy_phases.map((p) => `${p.type} on laps ${p.start_lap.toFixed(1)}-${p.end_lap.toFixed(1)}`)
  const events = [
    ...yellows,
    ...(race.retirements.length > 0 ? [`${race.retirements.length} retirement${race.retirements.length > 1 ? 's' : ''}`] : []),
  ]
  return `${race.laps} laps${events.length > 0 ? `; recorded: ${events.join(', ')}` : ''}.`
}

export function SimulatePage() {
  const navigate = useNavigate()
  const queries = useQueryClient()
  const tracks = useQuery({ queryKey: ['tracks'], queryFn: () => body(api.GET('/api/tracks')), staleTime: Infinity })
  const [trackId, setTrackId] = useState('shanghai')
  const track = tracks.data?.tracks.find((t) => t.id === trackId)
  const [season, setSeason] = useState<number>(2019)
  const race = useQuery({
    queryKey: ['race', trackId, season],
    queryFn: () => body(api.GET('/api/tracks/{trackId}/races/{season}', { params: { path: { trackId, season } } })),
    enabled: track?.seasons.includes(season) ?? false,
    staleTime: Infinity,
  })
  const [driver, setDriver] = useState('')
  const [stints, setStints] = useState<Stint[]>([])
  const [mode, setMode] = useState<Mode>('race')
  const [runs, setRuns] = useState(500)
  const [seed, setSeed] = useState(1)
  const [compare, setCompare] = useState(false)
  const [stintsB, setStintsB] = useState<Stint[]>([])
  const [sweeps, setSweeps] = useState<ReadonlySet<SweepKey>>(new Set())

  // A new race: its pole sitter, or the same driver if he raced there; his real strategy to start from.
  useEffect(() => {
    const drivers = race.data?.drivers
    if (!drivers?.length) return
    const chosen = drivers.find((d) => d.code === driver) ?? drivers[0]!
    setDriver(chosen.code)
    setStints(withoutRefuel(chosen.strategy.stints))
    setStintsB(withoutRefuel(chosen.strategy.stints))
    // Only when the race changes: picking a driver sets his strategy itself.
  }, [race.data])

  const racer = race.data?.drivers.find((d) => d.code === driver)
  const laps = race.data?.laps ?? 0
  const compounds = racer?.compounds ?? race.data?.compounds ?? []

  const run = useMutation({
    mutationFn: async (request: SimulationRequest) => {
      // One key per submission: a retry after a lost answer is answered, not charged again.
      const { data } = await api.POST('/api/simulations', { body: request, headers: { 'idempotency-key': crypto.randomUUID() } })
      return data!
    },
    onSuccess: (simulation) => {
      void queries.invalidateQueries({ queryKey: USAGE_KEY })
      void queries.invalidateQueries({ queryKey: ['simulations'] })
      void navigate(`/simulations/${encodeURIComponent(simulation.simulation_id)}`)
    },
    onError: () => void queries.invalidateQueries({ queryKey: USAGE_KEY }),
  })

  // A sweep and a strategy B are separate studies (the engine refuses both at once): a sweep wins.
  const sensitivity = sensitivityFor(sweeps, mode)
  const compareB = compare && sensitivity === undefined
  const blocked =
    stintProblems(stints, laps, compounds).length > 0 ||
    (mode === 'monte_carlo' && compareB && stintProblems(stintsB, laps, compounds).length > 0)

  function submit(event: FormEvent) {
    event.preventDefault()
    const request: SimulationRequest = { track_id: trackId, season, driver, mode, strategy: { stints } }
    if (mode === 'monte_carlo') Object.assign(request, { runs, seed }, compareB ? { compare_strategy: { stints: stintsB } } : {})
    if (sensitivity) request.sensitivity = sensitivity
    run.mutate(request)
  }

  return (
    <section aria-labelledby="simulate-title">
      <h1 id="simulate-title">Simulate a strategy</h1>
      <ErrorNotice error={tracks.error ?? race.error} onRetry={() => void (tracks.error ? tracks.refetch() : race.refetch())} />
      <form onSubmit={submit} className="simulate">
        <fieldset className="row">
          <legend>Race</legend>
          <label>
            Track
            <select value={trackId} onChange={(e) => setTrackId(e.target.value)}>
              {tracks.data?.tracks.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.country})
                </option>
              ))}
            </select>
          </label>
          <label>
            Season
            <select value={season} onChange={(e) => setSeason(Number(e.target.value))}>
              {(track?.seasons ?? [season]).map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Driver
            <select
              value={driver}
              onChange={(e) => {
                setDriver(e.target.value)
                const chosen = race.data?.drivers.find((d) => d.code === e.target.value)
                if (chosen) {
                  setStints(withoutRefuel(chosen.strategy.stints))
                  setStintsB(withoutRefuel(chosen.strategy.stints))
                }
              }}
            >
              {race.data?.drivers.map((d) => (
                <option key={d.code} value={d.code}>
                  P{d.grid} {d.name} ({d.team})
                </option>
              ))}
            </select>
          </label>
          {race.data && <p className="hint">{raceText(race.data)}</p>}
        </fieldset>

        {race.data && (
          <StintEditor
            label={`${driver}'s strategy${mode === 'monte_carlo' && compareB ? ' (A)' : ''}`}
            stints={stints}
            laps={laps}
            compounds={compounds}
            onChange={setStints}
          />
        )}

        <fieldset className="row">
          <legend>Mode</legend>
          {MODES.map((m) => (
            <label key={m.value} className="choice">
              <input type="radio" name="mode" value={m.value} checked={mode === m.value} onChange={() => setMode(m.value)} />
              {m.label} <span className="hint">{m.hint}</span>
            </label>
          ))}
          {mode === 'monte_carlo' && (
            <>
              <label>
                Runs
                <input type="number" min={1} max={100000} value={runs} onChange={(e) => setRuns(Number(e.target.value))} />
              </label>
              <label>
                Seed
                <input type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
              </label>
              <label className="choice">
                <input
                  type="checkbox"
                  checked={compareB}
                  disabled={sensitivity !== undefined}
                  onChange={(e) => setCompare(e.target.checked)}
                />
                Compare with strategy B (same random races)
              </label>
            </>
          )}
        </fieldset>

        {mode !== 'single' && (
          <fieldset className="row sweeps">
            <legend>Sensitivity</legend>
            {SWEEPS.filter((s) => mode === 'monte_carlo' || !s.monteCarloOnly).map((s) => (
              <label key={s.key} className="choice">
                <input
                  type="checkbox"
                  checked={sweeps.has(s.key)}
                  onChange={(e) => {
                    const next = new Set(sweeps)
                    if (e.target.checked) next.add(s.key)
                    else next.delete(s.key)
                    setSweeps(next)
                  }}
                />
                {s.label}
              </label>
            ))}
            <p className="hint">
              {driver}'s outcome with one figure of the race changed for every car, shown as a chart.
              {mode === 'monte_carlo'
                ? ` A Monte Carlo sweep runs as a job${sensitivity ? `; each run is raced ${sweptValues(sensitivity)} more times, and charged so` : ''}; it cannot be combined with strategy B.`
                : ''}
            </p>
          </fieldset>
        )}

        {mode === 'monte_carlo' && compareB && race.data && (
          <StintEditor label={`${driver}'s strategy B`} stints={stintsB} laps={laps} compounds={compounds} onChange={setStintsB} />
        )}

        <ErrorNotice error={run.error} />
        <button type="submit" className="primary" disabled={!race.data || blocked || run.isPending}>
          {run.isPending ? 'Running…' : 'Run simulation'}
        </button>
      </form>
      {race.data && <OptimizerPanel trackId={trackId} season={season} driver={driver} />}
    </section>
  )
}
