// Simulations that run as jobs (a big Monte Carlo study, a sensitivity sweep): answered 202 at once,
// then read back with their status and progress until done. The fields below sit on the simulation
// itself (a job is a simulation item with a status), so GET and the list show them as they are.
import Type, { type Static } from 'typebox'

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export const JobStatusSchema = Type.Enum(JOB_STATUSES, {
  description: 'queued: waiting for a runner; running; done: results stored; failed (see error) and cancelled: nothing stored, charge refunded',
})
export type JobStatus = (typeof JOB_STATUSES)[number]

export const JobProgressSchema = Type.Object(
  {
    runs_done: Type.Integer({ minimum: 0, description: 'Monte Carlo runs finished so far (written about once a second)' }),
    runs_total: Type.Integer({ minimum: 1, description: 'Runs of the study' }),
  },
  { additionalProperties: false },
)
export type JobProgress = Static<typeof JobProgressSchema>

export const JobErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'e.g. JOB_DEADLINE_EXCEEDED, ENGINE_FAILED, or the engine\'s 400 code' }),
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
}
