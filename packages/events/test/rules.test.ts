import t from 'tap'
import { EVENT_SOURCES, EVENTS } from '@f1/contracts/events'
import { CONSUMERS, PUBLISHERS, RULES } from '../src/rules.ts'

t.test('rule names are unique and every target is a known consumer', async (t) => {
  t.equal(new Set(RULES.map((r) => r.name)).size, RULES.length)
  for (const rule of RULES) t.ok(CONSUMERS.includes(rule.target), rule.name)
})

t.test('the action log rule covers every source of the platform', async (t) => {
  const rule = RULES.find((r) => r.target === 'action-log-service')
  const prefix = (rule?.eventPattern.source as Array<{ prefix: string }>)[0]?.prefix ?? ''
  for (const source of EVENT_SOURCES) t.ok(source.startsWith(prefix), source)
})

t.test('every source of the platform has exactly one publishing app, so each event can be put by one app only', async (t) => {
  const published = Object.values(PUBLISHERS)
  t.same([...published].sort(), [...EVENT_SOURCES].sort())
  for (const contract of Object.values(EVENTS)) t.ok(published.includes(contract.source), contract.detailType)
})
