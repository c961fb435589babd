// simulation-service's coded errors. The engine's own (RaceSimError, 400) are answered as they are.
import createError from '@fastify/error'

/** Absent and not-yours look the same, so simulation ids do not leak. */
export const SimulationNotFoundError = createError('SIMULATION_NOT_FOUND', 'No simulation %s', 404)
export const InvalidCursorError = createError('INVALID_CURSOR', 'The cursor is not one this API returned', 400)
/** The engine failed on a request it had accepted (a bug or a lost worker), not on bad input. */
export const EngineFailedError = createError('ENGINE_FAILED', 'The simulation engine failed', 500)
