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
    runs_total: Type.Integer({
      minimum: 1,
      description: 'Runs of the study (optimize: of its re-evaluation, each run racing every candidate)',
    }),
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

/**
 * simulation-service's job queue on SQS: its names (the CDK app adds the stage), the visibility of a
 * receive that sets none (the default lease, SIMULATION_JOB_LEASE_MS), and the redrive. The CDK app
 * and the local stack make it from here.
 */
export const JOB_QUEUE = {
  name: 'simulation-jobs',
  deadLetterName: 'simulation-jobs-dlq',
  visibilityTimeoutSeconds: 30,
  /**
   * SQS moves a job's message to the DLQ once received more than `maxReceiveCount`: 120, far above the runner's own
   * SIMULATION_JOB_MAX_ATTEMPTS (3; past it the runner fails and refunds the job itself), because
   * some receives are not attempts, and the redrive must not catch what the runners settle:
   * - a message whose job another runner holds (a second message of a job submitted twice at once, or
   *   one shown early) is hidden until that runner's lease ends, renewed every 10 s to 30 s ahead: at
   *   least 20 s plus 1 s. Over the 30 minutes a job lives at most (its deadline) that is about 86
   *   receives, 120 if renewals run 5 s late;
   * - a message whose item is not stored yet is looked at every 5 s until it is 2 minutes old, then
   *   deleted: up to 25 receives;
   * - each attempt, each shutdown's release (a deploy, a scale-in): one receive.
   * What reaches 120 was received about every 30 s (its lease, left to run out) for an hour by runners
   * that neither ran it nor could tell who holds it: every claim failing (DynamoDB refusing the
   * service). Its deadline has passed by then, so nothing in the DLQ is a job that could still run.
   */
  maxReceiveCount: 120,
} as const
