// A worker thread of hand-written-pool.ts: the task piscina's workers run, fed by plain messages.
import { parentPort } from 'node:worker_threads'
import { transferableSymbol, valueSymbol } from 'piscina'

const { default: runChunkTask } = await import('../src/monte-carlo/worker-entry.mjs')

parentPort.on('message', ({ id, task }) => {
  try {
    const out = runChunkTask(task)
    // The task wraps its outcome for piscina to transfer; here the same arrays are transferred by hand.
    if (transferableSymbol in out) parentPort.postMessage({ id, result: out[valueSymbol] }, out[transferableSymbol])
    else parentPort.postMessage({ id, result: out })
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
})
