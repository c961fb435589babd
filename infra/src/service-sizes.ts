// What each app's task gets (Fargate CPU units and MiB) and how far it scales by default. Context
// `<app>MinTasks` / `<app>MaxTasks` (camelCase app name) override the task counts per stage.
import type { ServiceName } from '@f1/contracts/services'

export interface ServiceSize {
  /** Fargate CPU units (1024 = one vCPU). */
  cpu: number
  memoryMiB: number
  minTasks: number
  maxTasks: number
}

export const SERVICE_SIZES: Record<ServiceName, ServiceSize> = {
  // Every request passes through it (auth, plans, rate limits): two tasks keep one per AZ.
  gateway: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 10 },
  'subscription-service': { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 4 },
  'usage-service': { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 6 },
  'action-log-service': { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 4 },
  // Monte Carlo runs on worker threads (every core but one when SIMULATION_WORKERS is unset): two
  // vCPUs give one worker beside the event loop, and the result sets need the memory.
  'simulation-service': { cpu: 2048, memoryMiB: 4096, minTasks: 2, maxTasks: 8 },
  // Admin routes and event intake only; backfills run as the one-off task (migrator-task.ts).
  migrator: { cpu: 512, memoryMiB: 1024, minTasks: 1, maxTasks: 2 },
}
