// simulation-service's coded errors. The engine's own (RaceSimError, 400) are answered as they are.
import createError from '@fastify/error'

/** Absent and not-yours look the same, so simulation ids do not leak. */
export const SimulationNotFoundError = createError('SIMULATION_NOT_FOUND', 'No simulation %s', 404)
/** A track or season the catalog does not have; the message names what it does have. */
export const RaceNotFoundError = createError('RACE_NOT_FOUND', '%s', 404)
export { InvalidCursorError } from '@f1/service-kit/errors'
/** The engine failed on a request it had accepted (a bug or a lost worker), not on bad input. */
export const EngineFailedError = createError('ENGINE_FAILED', 'The simulation engine failed', 500)
/** Refused at admission, before anything is charged. */
export const SimulationBusyError = createError('SIMULATION_BUSY', 'Too many simulations running: %s; retry shortly', 503)
export const ShuttingDownError = createError('SHUTTING_DOWN', 'This instance is shutting down; retry shortly', 503)
/** An operation id already names a stored simulation of someone else (never happens with fresh ULIDs). */
export const OperationTakenError = createError('OPERATION_ID_TAKEN', 'Operation %s belongs to another user', 409)
/** A cancel of a job that finished (done or failed) or of a simulation that is not a job. */
export const JobNotCancellableError = createError('JOB_NOT_CANCELLABLE', 'Simulation %s cannot be cancelled: %s', 409)
/** A job not finished by its deadline (SIMULATION_JOB_MAX_MS after it was submitted): failed and refunded. */
export const JobDeadlineError = createError('JOB_DEADLINE_EXCEEDED', 'The job did not finish within %s s', 504)
/** A job received more often than allowed (its runners kept dying): failed and refunded (SQS: the dead-letter queue). */
export const JobAttemptsError = createError('JOB_TOO_MANY_ATTEMPTS', 'The job was started %s times without finishing', 500)
/** The runner lost its job (its lease ran out and another runner took it, or it was cancelled): it stops and settles nothing. */
export const JobLostError = createError('JOB_LOST', 'This runner no longer holds the job', 409)
/** The runner's job was cancelled while running: it stops and keeps the runs done. */
export const JobCancelledError = createError('CANCELLED', 'The job was cancelled', 409)
