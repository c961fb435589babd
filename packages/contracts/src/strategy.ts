// A pit strategy as requests and results write it: the stints in order, each started by a stop.
import Type, { type Static } from 'typebox'

export const StintSchema = Type.Object(
  {
    start_lap: Type.Integer({ minimum: 0, description: 'In-lap of the stop that starts this stint; 0 for the start' }),
    compound: Type.String({ minLength: 1, maxLength: 8, description: 'A1 (hardest) to A7 (softest), I or W' }),
    tire_age: Type.Integer({ minimum: 0, maximum: 1000, description: 'Age of the set in laps when the stint starts' }),
    refuel_kg: Type.Optional(Type.Number({ minimum: 0, description: 'Fuel added at the stop (0; refuelling is banned)' })),
  },
  { additionalProperties: false },
)
export type Stint = Static<typeof StintSchema>

export const StrategySchema = Type.Object(
  { stints: Type.Array(StintSchema, { minItems: 1, maxItems: 20 }) },
  { additionalProperties: false },
)
export type Strategy = Static<typeof StrategySchema>
