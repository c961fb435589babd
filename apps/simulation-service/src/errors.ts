// simulation-service's coded errors. The engine's own (RaceSimError, 400) are answered as they are.
import createError from '@fastify/error'

/** Absent and not-yours look the same, so simulation ids do not leak. */
export const SimulationNotFoundError = createError('SIMULATION_NOT_FOUND', 'No simulation %s', 404)
export { InvalidCursorError } from '@f1/service-kit/errors'
/** The engine failed on a request it had accepted (a bug or a lost worker), not on bad input. */
export const EngineFailedError = createError('ENGINE_FAILED', 'The simulation engine failed', 500)
/** Refused at admission, before anything is charged. */
export const SimulationBusyError = createError('SIMULATION_BUSY', 'Too many simulations running: %s; retry shortly', 503)
export const ShuttingDownError = createError('SHUTTING_DOWN', 'This instance is shutting down; retry shortly', 503)
/** An operation id already names a stored simulation of someone else (never happens with fresh ULIDs). */
export const OperationTakenError = createError('OPERATION_ID_TAKEN', 'Operation %s belongs to another user', 409)
