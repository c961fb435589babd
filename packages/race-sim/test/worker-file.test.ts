import t from 'tap'
import { BUILT_WORKER_FILE, workerFile } from '../src/monte-carlo/workers.ts'

t.test('from the TypeScript sources the pool loads worker-entry.mjs, which registers tsx in each worker', async (t) => {
  t.equal(
    workerFile('file:///repo/packages/race-sim/src/monte-carlo/workers.ts').href,
    'file:///repo/packages/race-sim/src/monte-carlo/worker-entry.mjs',
  )
  t.match(workerFile().href, /\/src\/monte-carlo\/worker-entry\.mjs$/)
})

t.test("from an app's bundle the pool loads the built worker beside the bundle", async (t) => {
  t.equal(workerFile('file:///app/dist/server.js').href, `file:///app/dist/${BUILT_WORKER_FILE}`)
})
