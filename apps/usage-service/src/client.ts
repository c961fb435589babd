// The client of usage-service's charges, for the services that meter work (simulation-service) or
// settle it when they lose track of it (the gateway). Runtime code of other apps imports only this.
import type { Charge, ChargeLine, CommitLine } from '@f1/contracts/usage'
import { createServiceClient, type ServiceClientOptions } from '@f1/service-kit/service-client'

export interface ChargeRef {
  userId: string
  chargeId: string
  requestId: string
}

export interface ChargesClient {
  /** Charges a unit of work (held for `holdMs`, else committed at once); the same id again counts nothing. */
  create(input: ChargeRef & { lines: ChargeLine[]; holdMs?: number }): Promise<Charge>
  /**
   * Makes a held charge final; 409 CHARGE_REFUNDED / CHARGE_EXPIRED mean the work must be discarded.
   * With `lines`, commits only those amounts (each at most its held line) and gives the rest back.
   */
  commit(input: ChargeRef & { lines?: CommitLine[] }): Promise<Charge>
  /**
   * Gives a held charge back (void for one never made); 409 CHARGE_COMMITTED when its result is
   * stored. Not bound to the current request's deadline: it cleans up after requests that failed.
   */
  refund(input: ChargeRef & { reason: string; timeoutMs?: number }): Promise<Charge>
  find(input: ChargeRef): Promise<Charge>
}

export function createChargesClient(options: Omit<ServiceClientOptions, 'name'>): ChargesClient {
  const client = createServiceClient({ name: 'usage-service', ...options })
  const path = (ref: ChargeRef, rest = '') => `/users/${encodeURIComponent(ref.userId)}/charges${rest}`
  const one = (ref: ChargeRef, action = '') => path(ref, `/${encodeURIComponent(ref.chargeId)}${action}`)
  return {
    create: (input) =>
      client.call({
        method: 'POST',
        path: path(input),
        body: { charge_id: input.chargeId, lines: input.lines, ...(input.holdMs === undefined ? {} : { hold_ms: input.holdMs }) },
        requestId: input.requestId,
      }),
    commit: (input) =>
      client.call({
        method: 'POST',
        path: one(input, '/commit'),
        body: input.lines === undefined ? {} : { lines: input.lines },
        requestId: input.requestId,
      }),
    refund: (input) =>
      client.call({
        method: 'POST',
        path: one(input, '/refund'),
        body: { reason: input.reason },
        requestId: input.requestId,
        deadline: Date.now() + (input.timeoutMs ?? options.timeoutMs ?? 5_000),
      }),
    find: (input) => client.call({ method: 'GET', path: one(input), requestId: input.requestId }),
  }
}
