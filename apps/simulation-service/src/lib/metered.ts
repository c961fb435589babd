// One unit of metered work, start to end: admission (a full queue refuses before anything is
// charged), the charge (held until the caller's deadline), the work (aborted when the deadline
// passes, the caller hangs up or the service shuts down), then keep the result hidden, commit the
// charge, show the result. Whatever fails before the commit refunds the charge: exactly one of
// (committed, result shown) and (refunded, nothing shown) ends up true.
import type { Operation } from '@f1/contracts/simulations'
import { callOutcome } from '@f1/service-kit/service-client'
import { DeadlineExceededError, withoutDeadline } from '@f1/service-kit/deadline'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** How long past the caller's deadline a charge stays held: time to commit a result finished just in time. */
export const HOLD_MARGIN_MS = 2_000
/** Work stops this long before the caller's deadline (a quarter of short budgets), so the refund is done before it gives up. */
const CLEAN_UP_RESERVE_MS = 1_000

export interface MeteredSteps<R> {
  /** The work itself; it must stop when `signal` aborts. */
  work(signal: AbortSignal): Promise<R>
  /** Stores the result hidden, before the commit (simulations); `holdUntil` is when the sweeper may settle it. */
  keep?(result: R, holdUntil: number): Promise<void>
  /** Shows what `keep` stored, after the commit. */
  show?(result: R): Promise<void>
  /** Deletes what `keep` stored, when the charge was refunded instead. */
  drop?(): Promise<void>
}

/** What became of a charge whose commit did not answer: decided by refunding it (refused once committed). */
export async function settleCharge(
  app: FastifyInstance,
  ref: { userId: string; chargeId: string; requestId: string },
  reason: string,
): Promise<'committed' | 'refunded'> {
  try {
    await withoutDeadline(() => app.usageCharges.refund({ ...ref, reason }))
    return 'refunded'
  } catch (err) {
    if ((err as { code?: string }).code === 'CHARGE_COMMITTED') return 'committed'
    throw err
  }
}

/**
 * Runs `steps` for `userId` under `operation` (its id is the charge id; no operation: nothing is
 * charged). Throws the work's error after the refund, or SimulationBusyError before any charge.
 */
export async function runMetered<R>(
  app: FastifyInstance,
  request: FastifyRequest,
  userId: string,
  operation: Operation | undefined,
  steps: MeteredSteps<R>,
): Promise<R> {
  const ticket = app.workQueue.admit(userId)
  const budget = request.deadline - Date.now()
  const workDeadline = new AbortController()
  const timer = setTimeout(
    () => workDeadline.abort(new DeadlineExceededError()),
    Math.max(1, budget - Math.min(CLEAN_UP_RESERVE_MS, budget / 4)),
  )
  timer.unref()
  const signal = AbortSignal.any([request.signal, app.shutdownSignal, workDeadline.signal])
  const charge = operation && operation.charges.length > 0 ? { userId, chargeId: operation.id, requestId: request.id } : undefined
  const holdUntil = request.deadline + HOLD_MARGIN_MS
  let charged = false
  let kept = false
  try {
    if (charge) {
      try {
        await app.usageCharges.create({ ...charge, lines: operation!.charges, holdMs: Math.max(100, holdUntil - Date.now()) })
      } catch (err) {
        // A refusal (429, 409) charged nothing; any other failure may have charged, so it is settled below.
        if (callOutcome(err) !== 'answered') charged = true
        throw err
      }
      charged = true
    }
    await ticket.start(signal)
    const result = await steps.work(signal)
    // Finished, but nobody waits any more (or we are stopping): give the charge back rather than keep it.
    signal.throwIfAborted()
    if (steps.keep) {
      await steps.keep(result, holdUntil)
      kept = true
    }
    if (charge) {
      try {
        await app.usageCharges.commit(charge)
      } catch (err) {
        // A commit that may have landed is settled by trying to refund it: refused means it landed.
        if (callOutcome(err) !== 'unknown' || (await settleCharge(app, charge, 'commit_unknown')) !== 'committed') throw err
      }
    }
    charged = false
    // Committed: showing it is owed whatever time is left (the sweeper shows it should this fail).
    if (steps.show) await withoutDeadline(() => steps.show!(result))
    return result
  } catch (err) {
    if (charged) {
      try {
        const outcome = await settleCharge(app, charge!, (err as { code?: string }).code ?? 'failed')
        if (outcome === 'committed') {
          // Committed after all (a commit that timed out but landed): the result stands.
          request.log.warn({ err }, 'work failed after its charge was committed')
        } else if (kept) await withoutDeadline(() => steps.drop!())
      } catch (settleErr) {
        // usage-service or DynamoDB is down: the charge's hold runs out and the sweepers settle both sides.
        request.log.error({ err: settleErr, charge_id: charge!.chargeId }, 'could not refund a failed charge; the sweepers will')
      }
    }
    throw err
  } finally {
    clearTimeout(timer)
    ticket.release()
  }
}
