// The whole local stack as the fault suite needs it (every app and the relay as processes, a
// DynamoDB Local of its own to pause, the bus and the consumers' queues in this process), with the
// suite's own secrets. The consumers take their events from their queues only (no EVENT_BUS_SECRET:
// the suite posts nothing to their POST /events). The bus's retry policy (putting an event on a
// queue) is short, so a fault that made it give up would show as a dead letter within the scenario.
import { startProcessStack, type Stack } from '@f1/local-stack/process-stack'

export type { AppName, Component, Stack } from '@f1/local-stack/process-stack'
export const WEBHOOK_SECRET = 'whsec_faults_0123456789'
export const PRICES = { pro: 'price_faults_pro', team: 'price_faults_team' }

export function startStack(): Promise<Stack> {
  return startProcessStack({
    name: 'faults',
    jwtSecret: 'faults-jwt-secret-0123456789abcdef0123456789',
    webhookSecret: WEBHOOK_SECRET,
    prices: PRICES,
    env: {
      // Logins by the hundred from one address: the suite is not testing the attempt limits.
      RATE_LIMIT_LOGIN_PER_ADDRESS: '100000',
      RATE_LIMIT_LOGIN_PER_EMAIL: '100000',
      RATE_LIMIT_REGISTER_PER_ADDRESS: '100000',
      SIMULATION_TIMEOUT_MS: '8000',
    },
    busRetry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400, maxAgeMs: 10_000 },
  })
}
