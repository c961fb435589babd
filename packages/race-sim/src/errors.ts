// The engine's coded errors. statusCode 400 lets service-kit's error handler answer them as they are.

export type RaceSimErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_STRATEGY'
  | 'FIRST_STINT_NOT_AT_START'
  | 'STRATEGY_NOT_COVERING_RACE'
  | 'UNKNOWN_COMPOUND'
  | 'REFUELLING_NOT_ALLOWED'
  | 'UNKNOWN_TRACK'
  | 'UNKNOWN_SEASON'
  | 'UNKNOWN_DRIVER'
  | 'TOO_FEW_DRY_COMPOUNDS'

/** A bad input: an unknown track, season, driver or compound, or a strategy the race cannot run. */
export class RaceSimError extends Error {
  readonly code: RaceSimErrorCode
  readonly statusCode = 400
  readonly details: Record<string, unknown>

  constructor(code: RaceSimErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'RaceSimError'
    this.code = code
    this.details = details
  }

  /** The error as the CLI prints it and a worker sends it back. */
  toJSON(): { code: RaceSimErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details }
  }
}
