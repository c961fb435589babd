// Simulations that run as jobs (a big Monte Carlo study, a sensitivity sweep, an optimizer's re-evaluation): answered 202 at once,
// then read back with their status and progress until done. The fields below sit on the simulation
// itself (a job is a simulation item with a status), so GET and the list show them as they are.
import Type, { type Static } from 'typebox'

export const JOB_STATUSES = ['queued', 'running', 'cancelling', 'done', 'failed', 'cancelled'] as const
export const JobStatusSchema = Type.Enum(JOB_STATUSES, {
  description:
    'queued: waiting for a runner; running; cancelling: cancelled while running, its runner is keeping the runs done ' +
    '(it ends cancelled, within seconds); done: results stored; failed (see error): nothing stored, charge refunded; ' +
    'cancelled: with `partial` true, results over the runs done (progress.runs_done) are stored and only those runs ' +
    'are charged; without results (cancelled before any run finished), nothing is stored and the charge is refunded',
})
export type JobStatus = (typeof JOB_STATUSES)[number]

export const JobProgressSchema = Type.Object(
  {
    runs_done: Type.Integer({
      minimum: 0,
      description:
        'Monte Carlo runs finished so far (written about once a second); on a cancelled job with `partial`, the runs its results cover',
    }),
    runs_total: Type.Integer({ minimum: 1, description: "Runs of the study (optimize: of its re-evaluation, each run racing every candidate)" }),
  },
  { additionalProperties: false },
)
export type JobProgress = Static<typeof JobProgressSchema>

export const JobErrorSchema = Type.Object(
  {
    code: Type.String({ description: "e.g. JOB_DEADLINE_EXCEEDED, ENGINE_FAILED, or the engine's 400 code" }),
    message: Type.String(),
  },
  { additionalProperties: false },
)
export type JobError = Static<typeof JobErrorSchema>

/** The job fields of a simulation; absent on simulations run synchronously (201). */
export const jobProperties = {
  status: Type.Optional(JobStatusSchema),
  progress: Type.Optional(JobProgressSchema),
  eta_s: Type.Optional(
    Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: "Seconds left at this job's measured rate; null until a first rate is measured",
    }),
  ),
  error: Type.Optional(JobErrorSchema),
  partial: Type.Optional(
    Type.Literal(true, {
      description:
        'Only on a job cancelled while running: its results cover only the runs done before the cancel ' +
        '(progress.runs_done of progress.runs_total; results.runs, or with mode optimize results.in_monte_carlo.runs, says the same), ' +
        'and only those were charged',
    }),
  ),
}

/**
 * What DELETE answers: 200 the job once settled (cancelled; again: the same), or 202 the job still
 * `cancelling` when its runner has not settled it within a few seconds (read it until it is cancelled).
 */
export const CANCEL_WAIT_MS = 3_000
