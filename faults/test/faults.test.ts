// The fault suite: real traffic through the whole local stack (every app, the outbox relay, the
// bus, DynamoDB Local) while one thing at a time breaks, then a count of every event. The goal for
// every scenario is 0 lost and 0 duplicate effects, and that is what is asserted.
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { everyEventLogged, quotaMismatches, tally, type Tally } from './ledger.ts'
import { startStack, type Stack } from './stack.ts'
import { burst } from './traffic.ts'

const rows: Array<{ scenario: string } & Tally> = []
let stack: Stack

t.before(async () => {
  stack = await startStack()
})
t.teardown(async () => {
  const header = '| scenario | state changes committed | events delivered | lost | duplicate effects |'
  const lines = rows.map((r) => `| ${r.scenario} | ${r.committed} | ${r.delivered} | ${r.lost} | ${r.duplicates} |`)
  t.comment(['', header, '|---|---|---|---|---|', ...lines].join('\n'))
  await stack?.stop()
})

/** Runs a scenario: `breakIt` while traffic flows, then waits for every event and counts its window. */
async function scenario(t: Test, name: string, breakIt: () => Promise<void>) {
  const from = Date.now()
  await breakIt()
  t.ok(await everyEventLogged(stack, 180_000), 'every event reached the action log')
  const to = Date.now()
  const result = await tally(stack, from, to)
  rows.push({ scenario: name, ...result })
  t.ok(result.committed > 0, `${result.committed} state changes committed`)
  t.equal(result.lost, 0, `nothing lost${result.problems.length ? `: ${result.problems.join('; ')}` : ''}`)
  t.equal(result.duplicates, 0, 'no effect applied twice')
}

t.test('the bus down for 60 s: the relay keeps every event and delivers it when the bus is back', async (t) => {
  await scenario(t, 'bus down 60 s', async () => {
    await stack.stopBus()
    const started = Date.now()
    // Producers never call the bus: users are served while it is down.
    const answers = await burst(stack.gateway, 6)
    t.equal(answers.failed, 0, 'every request answered as usual while the bus was down')
    await sleep(Math.max(0, 60_000 - (Date.now() - started)))
    await stack.startBus()
  })
})

t.test('the gateway killed with SIGKILL mid-burst: what it committed has its events, nothing else does', async (t) => {
  await scenario(t, 'producer SIGKILL mid-burst', async () => {
    const traffic = burst(stack.gateway, 12, 4)
    await sleep(1_500)
    await stack.apps.gateway.kill('SIGKILL')
    await traffic
    await stack.apps.gateway.start()
    await burst(stack.gateway, 3)
  })
})

t.test('the relay killed with SIGKILL mid-stream: restarted, it resumes from its checkpoints and loses nothing', async (t) => {
  await scenario(t, 'relay SIGKILL mid-stream', async () => {
    const traffic = burst(stack.gateway, 10, 4)
    await sleep(1_500)
    await stack.relay.kill('SIGKILL')
    await traffic
    await stack.relay.start()
  })
})

t.test('the action log down long enough to dead-letter: replayed, every event is logged once', async (t) => {
  await scenario(t, 'consumer down, dead letters replayed', async () => {
    await stack.apps['action-log-service'].kill('SIGTERM')
    await burst(stack.gateway, 5)
    await stack.bus().idle()
    const dead = await stack.bus().deadLetters.list()
    t.ok(dead.length > 0, `${dead.length} events dead-lettered while the consumer was down`)
    await stack.apps['action-log-service'].start()
    const report = await stack.bus().deadLetters.replay({ all: true })
    t.equal(report.delivered.length, dead.length, 'every dead letter replayed')
  })
})

t.test('DynamoDB paused (SIGSTOP) for 5 s mid-traffic: once it is back, nothing is lost and nothing doubles', async (t) => {
  await scenario(t, 'DynamoDB SIGSTOP 5 s', async () => {
    const traffic = burst(stack.gateway, 8, 4)
    await sleep(1_000)
    stack.ddb.process.kill('SIGSTOP')
    await sleep(5_000)
    stack.ddb.process.kill('SIGCONT')
    await traffic
  })
  // Charges held by runs the stall cut short come back once their hold ends (the sweepers).
  let problems = await quotaMismatches(stack)
  for (const deadline = Date.now() + 90_000; problems.length > 0 && Date.now() < deadline; problems = await quotaMismatches(stack))
    await sleep(1_000)
  t.same(problems, [], 'every simulation_run counter holds exactly its committed charges')
})
