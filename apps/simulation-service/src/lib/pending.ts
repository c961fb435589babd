// Settling a simulation stored hidden whose request did not finish (a crash between storing and
// showing it, or a retry of its operation): its charge decides. Committed: show it. Refunded, void
// or never made: delete it. Still held: refund it first, which is refused if it was committed.
import type { FastifyInstance } from 'fastify'
import { completedEvent } from './completed-event.ts'
import { settleCharge } from './metered.ts'

export type Settled = 'shown' | 'discarded' | 'held'

export async function settlePending(
  app: FastifyInstance,
  pending: { simulationId: string; createdAt: string; owner: string },
  options: { requestId: string; refundHeld: boolean },
): Promise<Settled> {
  const ref = { userId: pending.owner, chargeId: pending.simulationId, requestId: options.requestId }
  let status: string
  try {
    status = (await app.usageCharges.find(ref)).status
  } catch (err) {
    if ((err as { code?: string }).code !== 'CHARGE_NOT_FOUND') throw err
    status = 'void'
  }
  if (status === 'held') {
    // A retry of the operation may be running it again right now: only the sweeper, past the hold, refunds.
    if (!options.refundHeld) return 'held'
    status = await settleCharge(app, ref, 'abandoned')
  }
  if (status === 'committed') {
    await app.simulations.showSimulation(pending.simulationId, pending.createdAt, completedEvent(app, options.requestId))
    return 'shown'
  }
  await app.simulations.discardSimulation(pending.simulationId, pending.createdAt)
  return 'discarded'
}
