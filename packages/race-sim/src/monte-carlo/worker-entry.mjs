// The file the pool's worker threads load. The package runs as TypeScript through tsx, but Node 20
// does not apply `--import tsx` to worker threads, so each worker registers tsx itself (when it is
// installed) before it loads the task.
let tsx
try {
  tsx = await import('tsx/esm/api')
} catch {
  tsx = undefined
}
tsx?.register()
const { default: runChunkTask } = await import('./worker.ts')
export default runChunkTask
