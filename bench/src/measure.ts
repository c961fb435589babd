// Closed-loop load: `concurrency` workers each run `op` back to back until the time is up.
export interface Figures {
  ops: number
  seconds: number
  perSecond: number
  p50ms: number
  p99ms: number
  errors: number
}

export async function closedLoop(op: (i: number) => Promise<boolean>, options: { concurrency: number; seconds: number }): Promise<Figures> {
  const latencies: number[] = []
  let errors = 0
  let next = 0
  const started = performance.now()
  const deadline = started + options.seconds * 1000
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now()
        const ok = await op(next++).catch(() => false)
        latencies.push(performance.now() - t0)
        if (!ok) errors += 1
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
  return { ops: latencies.length, seconds, perSecond: latencies.length / seconds, p50ms: at(0.5), p99ms: at(0.99), errors }
}

export function row(label: string, f: Figures): string {
  return `${label.padEnd(34)} ${f.perSecond.toFixed(0).padStart(8)} ops/s   p50 ${f.p50ms.toFixed(2).padStart(7)} ms   p99 ${f.p99ms.toFixed(2).padStart(7)} ms   (${f.ops} ops, ${f.errors} errors)`
}
