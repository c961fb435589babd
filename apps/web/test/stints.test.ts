import { expect, test } from 'vitest'
import { addStop, removeStop, stintProblems, strategyText, updateStint } from '../src/lib/stints.ts'

const recorded = [
  { start_lap: 0, compound: 'A4', tire_age: 2 },
  { start_lap: 22, compound: 'A3', tire_age: 0 },
  { start_lap: 36, compound: 'A4', tire_age: 0 },
]
const compounds = ['A3', 'A4', 'A6']

test('a recorded strategy has no problems', () => {
  expect(stintProblems(recorded, 56, compounds)).toEqual([])
})

test('stops out of order, past the last lap, or on a compound not fitted here are named per stint', () => {
  const wrong = [
    { start_lap: 3, compound: 'A4', tire_age: 0 },
    { start_lap: 2, compound: 'A2', tire_age: 0 },
    { start_lap: 56, compound: 'A3', tire_age: -1 },
  ]
  expect(stintProblems(wrong, 56, compounds)).toEqual([
    { index: 0, message: 'The first stint starts at the start (lap 0)' },
    { index: 1, message: 'The stop must come after lap 3' },
    { index: 1, message: 'A2 is not available here (A3, A4, A6)' },
    { index: 2, message: 'The stop must come before the last lap (56)' },
    { index: 2, message: 'Tyre age is a whole number of laps, 0 or more' },
  ])
  expect(stintProblems([], 56, compounds)).toHaveLength(1)
})

test('adding a stop splits the last stint in the middle; removing never removes the start', () => {
  const added = addStop(recorded, 56)
  expect(added.at(-1)).toEqual({ start_lap: 46, compound: 'A4', tire_age: 0 })
  expect(stintProblems(added, 56, compounds)).toEqual([])
  expect(removeStop(added, 3)).toEqual(recorded)
  expect(removeStop(recorded, 0)).toEqual(recorded)
  expect(
    addStop(
      [
        { start_lap: 0, compound: 'A3', tire_age: 0 },
        { start_lap: 54, compound: 'A4', tire_age: 0 },
      ],
      56,
    ).at(-1)?.start_lap,
  ).toBe(55)
})

test('an edit changes one stint and leaves the strategy given untouched', () => {
  const edited = updateStint(recorded, 1, { start_lap: 20 })
  expect(edited[1]).toEqual({ start_lap: 20, compound: 'A3', tire_age: 0 })
  expect(recorded[1]!.start_lap).toBe(22)
})

test('a strategy reads in one line with its stops and used tyres', () => {
  expect(strategyText(recorded)).toBe('A4 (2) → 22 A3 → 36 A4')
})
