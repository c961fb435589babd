import t from 'tap'
import { EVENT_SOURCES } from '@f1/contracts/events'
import { CONSUMERS, RULES } from '../src/rules.ts'

t.test('rule names are unique and every target is a known consumer', async (t) => {
  t.equal(new Set(RULES.map((r) => r.name)).size, RULES.length)
  for (const rule of RULES) t.ok(CONSUMERS.includes(rule.target), rule.name)
})

t.test('the action log rule covers every source of the platform', async (t) => {
  const rule = RULES.find((r) => r.target === 'action-log-service')
  const prefix = (rule?.eventPattern.source as Array<{ prefix: string }>)[0]?.prefix ?? ''
  for (const source of EVENT_SOURCES) t.ok(source.startsWith(prefix), source)
})
