import t from 'tap'
import { formatLogLine } from '../src/log-format.ts'

t.test('a request line shows time, level, message, route, status, extras and a short request id', async (t) => {
  const line = JSON.stringify({
    level: 30,
    time: Date.parse('2026-11-26T10:00:01.250Z'),
    service: 'gateway',
    request_id: 'abcdef12-3456',
    res: { statusCode: 429 },
    responseTime: 11.6,
    msg: 'request completed',
  })
  t.equal(formatLogLine(line), '10:00:01.250 INFO  request completed 429 in 12 ms (abcdef12)')
  t.equal(formatLogLine(JSON.stringify({ level: 50, time: 0, msg: 'boom', code: 'X' })), '00:00:00.000 ERROR boom {"code":"X"}')
})

t.test('lines that are not JSON pass through unchanged', async (t) => {
  t.equal(formatLogLine('plain text'), 'plain text')
  t.equal(formatLogLine('{not json'), '{not json')
})
