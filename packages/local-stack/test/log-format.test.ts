import t from 'tap'
import { formatLogLine } from '../src/log-format.ts'

const time = Date.parse('2026-11-26T10:00:01.250Z')

t.test('a log line shows time, level, message and its extra fields on one line', async (t) => {
  t.equal(formatLogLine(JSON.stringify({ level: 50, time: 0, service: 'gateway', msg: 'boom', code: 'X' })), '[00:00:00.000] ERROR: boom {"code":"X"}')
  t.equal(formatLogLine(JSON.stringify({ level: 30, time, msg: 'delivered', rule: 'r1', attempts: 2 })), '[10:00:01.250] INFO: delivered {"rule":"r1","attempts":2}')
})

t.test('request lines show the route, the status with the time taken in ms, and the first block of the request id', async (t) => {
  const request = { level: 30, time, service: 'gateway', request_id: 'abcdef12-3456' }
  const req = { method: 'GET', url: '/v1/tracks', host: '127.0.0.1:3000', remoteAddress: '127.0.0.1', remotePort: 5 }
  const completed = { ...request, req, res: { statusCode: 429 }, responseTime: 11.6, msg: 'request completed' }
  t.equal(formatLogLine(JSON.stringify(completed)), '[10:00:01.250] INFO: request completed GET /v1/tracks 429 in 12 ms (abcdef12)')
})

t.test('an error keeps its stack, under the line of its entry', async (t) => {
  const line = JSON.stringify({ level: 60, time, msg: 'uncaught error', err: { type: 'Error', message: 'bad', stack: 'Error: bad\n    at handler (app.ts:1:1)' } })
  const shown = formatLogLine(line)
  t.match(shown, /^\[10:00:01\.250\] FATAL: uncaught error/)
  t.match(shown, /\n\s+Error: bad\n\s+at handler \(app\.ts:1:1\)/)
})

t.test('lines that are not JSON log entries pass through unchanged', async (t) => {
  t.equal(formatLogLine('plain text'), 'plain text')
  t.equal(formatLogLine('  indented'), '  indented')
  t.equal(formatLogLine('{not json'), '{not json')
  t.equal(formatLogLine(''), '')
})
