// Edits a strategy: each stint's pit lap (the first starts at the start), compound and tyre age.
import type { Stint } from '../api/types.ts'
import { addStop, removeStop, stintProblems, updateStint } from '../lib/stints.ts'

interface Props {
  label: string
  stints: Stint[]
  laps: number
  compounds: readonly string[]
  onChange(stints: Stint[]): void
}

export function StintEditor({ label, stints, laps, compounds, onChange }: Props) {
  const problems = stintProblems(stints, laps, compounds)
  return (
    <fieldset className="stints">
      <legend>{label}</legend>
      <table>
        <thead>
          <tr>
            <th scope="col">Stint</th>
            <th scope="col">Pit on lap</th>
            <th scope="col">Compound</th>
            <th scope="col">Tyre age (laps)</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {stints.map((stint, i) => (
            <tr key={i}>
              <th scope="row">{i + 1}</th>
              <td>
                {i === 0 ? (
                  'start'
                ) : (
                  <input
                    type="number"
                    aria-label={`Stint ${i + 1} pit lap`}
                    min={1}
                    max={laps - 1}
                    value={stint.start_lap}
                    onChange={(e) => onChange(updateStint(stints, i, { start_lap: Number(e.target.value) }))}
                  />
                )}
              </td>
              <td>
                <select
                  aria-label={`Stint ${i + 1} compound`}
                  value={stint.compound}
                  onChange={(e) => onChange(updateStint(stints, i, { compound: e.target.value }))}
                >
                  {compounds.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="number"
                  aria-label={`Stint ${i + 1} tyre age`}
                  min={0}
                  value={stint.tire_age}
                  onChange={(e) => onChange(updateStint(stints, i, { tire_age: Number(e.target.value) }))}
                />
              </td>
              <td>
                {i > 0 && (
                  <button type="button" aria-label={`Remove stop ${i}`} onClick={() => onChange(removeStop(stints, i))}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => onChange(addStop(stints, laps))}>
        Add a stop
      </button>
      {problems.length > 0 && (
        <ul className="problems" role="status">
          {problems.map((p, i) => (
            <li key={i}>
              Stint {p.index + 1}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}
