// One race of the simulator's catalog as a client needs it to build a request: who drove, with
// which strategy, and what happened (the yellows and retirements a race simulation replays).
import Type, { type Static } from 'typebox'
import { RaceWarningSchema } from './simulation-results.ts'
import { StrategySchema } from './strategy.ts'

export const RaceParamsSchema = Type.Object(
  {
    trackId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_ -]+$', description: 'A track id or alias, e.g. shanghai' }),
    season: Type.Integer({ minimum: 1950, maximum: 2100 }),
  },
  { additionalProperties: false },
)
export type RaceParams = Static<typeof RaceParamsSchema>

export const RaceDriverSchema = Type.Object({
  code: Type.String({ description: 'Driver code, e.g. HAM: what a request names as driver' }),
  name: Type.String(),
  team: Type.String(),
  car_no: Type.Integer(),
  grid: Type.Integer({ description: 'Starting position' }),
  compounds: Type.Array(Type.String(), { description: 'Compounds with a tyre model for him at this race: what his strategy may use' }),
  strategy: Type.Object(StrategySchema.properties, { description: 'The strategy he drove in the real race' }),
})
export type RaceDriver = Static<typeof RaceDriverSchema>

export const RaceInfoSchema = Type.Object({
  track_id: Type.String(),
  season: Type.Integer(),
  laps: Type.Integer({ description: 'Race distance in laps' }),
  compounds: Type.Array(Type.String(), { description: 'Compounds available at this race (A1 hardest to A7 softest, I, W)' }),
  drivers: Type.Array(RaceDriverSchema, { description: 'By starting position' }),
  fcy_phases: Type.Array(
    Type.Object({
      type: Type.Enum(['SC', 'VSC'] as const),
      start_lap: Type.Number({ description: 'Race progress (laps of the leader) at which it started' }),
      end_lap: Type.Number({ description: 'Race progress at which it ended' }),
    }),
    { description: 'The recorded safety cars and virtual safety cars (a request may give its own)' },
  ),
  retirements: Type.Array(
    Type.Object({ driver: Type.String(), lap: Type.Number({ description: 'Race progress at which the car stopped' }) }),
    { description: 'The recorded retirements' },
  ),
  warnings: Type.Array(RaceWarningSchema, { description: 'What the recorded race holds that the reference simulator refuses' }),
})
export type RaceInfo = Static<typeof RaceInfoSchema>
