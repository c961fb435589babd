// Taking a lock of the migration table (the backfill's or the verify's) as this process: who it is,
// and when the holder found there may be pushed aside without waiting for its lease.
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { LockHolder, LockOwner, LockRepository } from '../repositories/state/lock.ts'
import type { Log } from './backfill.ts'

/** Unique per process and attempt, so a restarted process never mistakes an old lock for its own. */
export function lockOwner(): LockOwner {
  return { owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, host: hostname(), pid: process.pid }
}

/** Sortable ids: the prefix, the start time, then randomness. */
export function newRunId(now: Date, prefix = 'run'): string {
  return `${prefix}-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A holder on this host whose process is gone (killed): its lock can be taken without waiting for the lease. */
function isDeadLocalHolder(holder: LockHolder): boolean {
  return holder.host === hostname() && holder.pid !== process.pid && !processAlive(holder.pid)
}

/** Takes the lock for `id`, taking it over from a dead holder on this host; otherwise says who holds it. */
export async function takeLock(
  lock: LockRepository,
  me: LockOwner,
  id: string,
  leaseMs: number,
  log: Log,
): Promise<{ acquired: boolean; holder?: LockHolder }> {
  const taken = await lock.acquireLock(me, id, leaseMs)
  if (taken.acquired || !taken.holder || !isDeadLocalHolder(taken.holder)) return taken
  log.warn({ holder: taken.holder.owner, run_id: taken.holder.run_id }, 'the lock holder on this host is gone; taking over its lock')
  return lock.acquireLock(me, id, leaseMs, taken.holder.owner)
}
