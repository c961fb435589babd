// A pit strategy (request or result shape) in one line, for captions and the optimizer's table.

/** A strategy in a line: "A4 (2 laps old) · lap 19 A3 · lap 35 A4". */
export function strategyLabel(strategy: { stints: { start_lap: number; compound: string; tire_age: number }[] }): string {
  return strategy.stints
    .map((s, i) => {
      const age = s.tire_age > 0 ? ` (${s.tire_age} lap${s.tire_age === 1 ? '' : 's'} old)` : ''
      return i === 0 ? `${s.compound}${age}` : `lap ${s.start_lap} ${s.compound}${age}`
    })
    .join(' · ')
}
