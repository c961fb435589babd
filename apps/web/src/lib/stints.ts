// The stint editor's rules, kept apart from its markup: a strategy is stints in lap order, the first
// from the start (lap 0), each later one started by a pit stop on an earlier lap than the next.
import type { Stint } from '../api/types.ts'

export interface StintProblem {
  index: number
  message: string
}

/** What is wrong with a strategy for a race of `laps` laps (empty when it can be run). */
export function stintProblems(stints: readonly Stint[], laps: number, compounds: readonly string[]): StintProblem[] {
  const problems: StintProblem[] = []
  if (stints.length === 0) return [{ index: 0, message: 'A strategy needs at least one stint' }]
  stints.forEach((stint, index) => {
    if (index === 0 && stint.start_lap !== 0) problems.push({ index, message: 'The first stint starts at the start (lap 0)' })
    if (index > 0) {
      const previous = stints[index - 1]!.start_lap
      if (!Number.isInteger(stint.start_lap) || stint.start_lap <= previous) {
        problems.push({ index, message: `The stop must come after lap ${previous}` })
      } else if (stint.start_lap >= laps) problems.push({ index, message: `The stop must come before the last lap (${laps})` })
    }
    if (!compounds.includes(stint.compound))
      problems.push({ index, message: `${stint.compound} is not available here (${compounds.join(', ')})` })
    if (!Number.isInteger(stint.tire_age) || stint.tire_age < 0)
      problems.push({ index, message: 'Tyre age is a whole number of laps, 0 or more' })
  })
  return problems
}

/** Adds a stop halfway through the last stint, on the same compound (the user then edits it). */
export function addStop(stints: readonly Stint[], laps: number): Stint[] {
  const last = stints[stints.length - 1]
  const start = last ? last.start_lap : 0
  const lap = Math.min(laps - 1, Math.max(start + 1, Math.round((start + laps) / 2)))
  return [...stints, { start_lap: lap, compound: last?.compound ?? 'A3', tire_age: 0 }]
}

/** Removes a stop (never the first stint). */
export function removeStop(stints: readonly Stint[], index: number): Stint[] {
  if (index === 0 || stints.length <= 1) return [...stints]
  return stints.filter((_, i) => i !== index)
}

export function updateStint(stints: readonly Stint[], index: number, change: Partial<Stint>): Stint[] {
  return stints.map((stint, i) => (i === index ? { ...stint, ...change } : stint))
}

/** "A4 (2) → 22 A3 → 36 A4": a strategy in one line. */
export function strategyText(stints: readonly Stint[]): string {
  return stints.map((s, i) => `${i === 0 ? '' : `${s.start_lap} `}${s.compound}${s.tire_age > 0 ? ` (${s.tire_age})` : ''}`).join(' → ')
}
