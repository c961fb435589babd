// The fault suite: real traffic through the whole local stack (every app, the outbox relay, the
// bus, DynamoDB Local) while one thing at a time breaks, then a count of every event. The goal for
// every scenario is 0 lost and 0 duplicate effects, and that is what is asserted.
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { everyEventLogged, notLogged, quotaMismatches, tally, type Tally } from './ledger.ts'
import { depthWhen, empty, queueDepth } from './queues.ts'
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

t.test('the action log killed (SIGKILL): its events wait in its queue, none is dead-lettered, and back, it logs each once', async (t) => {
  const sqs = stack.sqsEndpoint
  const { queueUrl, deadLetterQueueUrl } = stack.bus().queues['action-log-service']
  const consumer = stack.apps['action-log-service']
  // Killed idle (nothing received and not yet deleted), so what its queue holds next is exactly what it missed.
  t.ok(empty(await depthWhen(sqs, queueUrl, empty, 90_000)), 'the action log has handled its queue before it is killed')
  const filed = (await stack.bus().deadLetters.list()).length
  await scenario(t, 'consumer SIGKILL, events wait in its queue', async () => {
    const deadLettered = stack.bus().stats().deadLettered
    await consumer.kill('SIGKILL')
    await burst(stack.gateway, 5)
    // The relay and the bus carry on: every event the action log misses ends up on its queue, once.
    let missed = 0
    const held = await depthWhen(
      sqs,
      queueUrl,
      async (depth) => depth.waiting === (missed = (await notLogged(stack)).length) && depth.inFlight === 0,
      60_000,
    )
    t.ok(missed > 0, `${missed} events made while the action log was down`)
    t.same(held, { waiting: missed, inFlight: 0, delayed: 0 }, 'its queue holds each of them once, none received')
    // Down past the bus's whole retry policy (10 s): a push to a consumer that is down would have dead-lettered by now.
    await sleep(12_000)
    t.same(await queueDepth(sqs, queueUrl), held, 'still waiting in its queue after the bus would have given up a push')
    t.equal(stack.bus().stats().deadLettered, deadLettered, 'the bus dead-lettered nothing')
    t.same(await queueDepth(sqs, deadLetterQueueUrl), { waiting: 0, inFlight: 0, delayed: 0 }, 'its dead-letter queue is empty')
    t.equal((await notLogged(stack)).length, missed, 'nothing logged while it was down')
    await consumer.start()
  })
  // Every event is in the action log once (the scenario's tally); each message is deleted once handled,
  // so none is left to be received and applied again, and none failed into the dead-letter queue.
  t.same(await depthWhen(sqs, queueUrl, empty, 30_000), { waiting: 0, inFlight: 0, delayed: 0 }, 'its queue drained')
  t.same(await queueDepth(sqs, deadLetterQueueUrl), { waiting: 0, inFlight: 0, delayed: 0 }, 'its dead-letter queue still empty')
  t.equal((await stack.bus().deadLetters.list()).length, filed, "no new dead letter in the bus's file")
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
