// The optimizer's fastest strategy per stop count as a plain table: what a screen reader and a
// phone read best. The race and Monte Carlo columns appear only when the optimizer replayed them.
import { strategyTableRows } from './optimizer-rows.ts'
import type { OptimizeResult } from './result-kinds.ts'

export interface StrategyTableProps {
  result: OptimizeResult
}

const cell = { padding: '0.25rem 0.5rem', borderBottom: '1px solid #ddd', textAlign: 'right' } as const
const textCell = { ...cell, textAlign: 'left' } as const

export function StrategyTable({ result }: StrategyTableProps) {
  const rows = strategyTableRows(result)
  const inRace = rows.some((r) => r.racePosition !== null)
  const study = result.in_monte_carlo
  const inStudy = study !== undefined && rows.some((r) => r.win !== null)
  const num = (n: number | null, digits: number) => (n === null ? '–' : n.toFixed(digits))
  return (
    <figure className="result-chart" data-chart="strategy-table" style={{ margin: '0 0 1.5rem', minWidth: 0, maxWidth: '100%' }}>
      {/* Scrolls sideways on a phone rather than squeezing the strategies into unreadable wraps. */}
      <div style={{ overflowX: 'auto' }}>
        <table style={{ borderCollapse: 'collapse', fontSize: '0.875rem', width: '100%' }}>
          <caption style={{ textAlign: 'left', fontWeight: 600, fontSize: '1rem', marginBottom: '0.25rem' }}>
            Fastest strategy per stop count, {result.driver}
          </caption>
          <thead>
            <tr>
              <th scope="col" style={cell}>
                Stops
              </th>
              <th scope="col" style={textCell}>
                Strategy
              </th>
              <th scope="col" style={cell}>
                Race time, free track (s)
              </th>
              <th scope="col" style={cell}>
                Gap to fastest (s)
              </th>
              {inRace ? (
                <>
                  <th scope="col" style={cell}>
                    Position in the race
                  </th>
                  <th scope="col" style={cell}>
                    Race time in the race (s)
                  </th>
                </>
              ) : null}
              {inStudy ? (
                <>
                  <th scope="col" style={cell}>
                    Win (%)
                  </th>
                  <th scope="col" style={cell}>
                    Podium (%)
                  </th>
                  <th scope="col" style={cell}>
                    Points per race
                  </th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.stops}>
                <th scope="row" style={cell}>
                  {r.stops}
                </th>
                <td style={textCell}>{r.strategy}</td>
                <td style={cell}>{r.raceTime.toFixed(3)}</td>
                <td style={cell}>{r.gapToBest === 0 ? 'fastest' : `+${r.gapToBest.toFixed(3)}`}</td>
                {inRace ? (
                  <>
                    <td style={cell}>{r.racePosition ?? '–'}</td>
                    <td style={cell}>
                      {r.raceRaceTime === null ? (r.racePosition === null ? '–' : 'retired') : r.raceRaceTime.toFixed(3)}
                    </td>
                  </>
                ) : null}
                {inStudy ? (
                  <>
                    <td style={cell}>{num(r.win, 1)}</td>
                    <td style={cell}>{num(r.podium, 1)}</td>
                    <td style={cell}>{num(r.points, 2)}</td>
                  </>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="result-chart-caption" style={{ fontSize: '0.8125rem', color: '#555', margin: '0.25rem 0 0' }}>
        Strategy: start compound (with the set&apos;s age), then each stop&apos;s in-lap and the compound fitted.
        {inRace ? ' Position and race time: replayed in the full race with the field and its yellows.' : ''}
        {inStudy ? ` Win, podium and points: over ${study.runs} Monte Carlo runs.` : ''}
      </p>
    </figure>
  )
}
