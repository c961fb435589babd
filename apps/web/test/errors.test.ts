import { expect, test } from 'vitest'
import { ApiError, describeError, waitText } from '../src/api/errors.ts'

const now = new Date('2026-12-02T20:40:00Z')

test('a quota 429 names the feature, its daily limit and when it resets, and offers the upgrade', () => {
  const err = new ApiError(
    429,
    {
      error: {
        code: 'QUOTA_EXCEEDED',
        message: 'Daily limit',
        details: { feature: 'simulation_run', limit_value: 5, reset_date: '2026-12-03T00:00:00.000Z' },
      },
    },
    '12000',
  )
  const view = describeError(err, now)
  expect(view.action).toBe('upgrade')
  expect(view.message).toContain('all your simulations for today (5 a day)')
  expect(view.message).toContain('resets in 3 h 20 min')
})

test('without Retry-After a quota 429 counts down to the reset date it carries', () => {
  const err = new ApiError(
    429,
    { error: { code: 'QUOTA_EXCEEDED', message: 'x', details: { feature: 'api_request', reset_date: '2026-12-03T00:00:00.000Z' } } },
    null,
  )
  expect(describeError(err, now).message).toContain('resets in 3 h 20 min')
})

test('a plan-gated feature (403 naming the plan that has it) offers the upgrade', () => {
  const err = new ApiError(
    403,
    {
      error: {
        code: 'FORBIDDEN',
        message: 'Your free plan does not include monte_carlo_run',
        details: { feature: 'monte_carlo_run', plan_id: 'free', required_plan_id: 'pro' },
      },
    },
    null,
  )
  expect(describeError(err)).toEqual({
    title: 'Not in your plan',
    message: 'Monte Carlo runs are not in your free plan. The pro plan has them.',
    action: 'upgrade',
  })
})

test('a 403 that is not about the plan offers no upgrade', () => {
  const err = new ApiError(403, { error: { code: 'FORBIDDEN', message: 'This route is for administrators' } }, null)
  expect(describeError(err).action).toBe('none')
  expect(describeError(err).message).toBe('This route is for administrators')
})

test('a 503 says to retry, in the seconds Retry-After gives', () => {
  const err = new ApiError(503, { error: { code: 'SIMULATION_BUSY', message: 'busy' } }, '5')
  expect(describeError(err)).toMatchObject({ action: 'retry', message: 'The service is busy or restarting. Retry in 5 s.' })
})

test('a 401 sends the user to sign in; a network failure offers a retry', () => {
  expect(describeError(new ApiError(401, null, null)).action).toBe('sign-in')
  expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ title: 'No connection', action: 'retry' })
})

test('an answer without the error model still becomes a readable error', () => {
  const err = new ApiError(502, '<html>Bad gateway</html>', 'soon')
  expect(err.code).toBe('HTTP_502')
  expect(err.retryAfterS).toBeUndefined()
  expect(describeError(err).action).toBe('retry')
})

test('waits read in seconds, minutes, or hours and minutes', () => {
  expect(waitText(0.2)).toBe('in 1 s')
  expect(waitText(45)).toBe('in 45 s')
  expect(waitText(600)).toBe('in 10 min')
  expect(waitText(7200)).toBe('in 2 h')
  expect(waitText(12_000)).toBe('in 3 h 20 min')
})
