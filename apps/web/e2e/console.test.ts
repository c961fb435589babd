// The console end to end: a real Chromium on the production build, against the whole local stack.
import { grantAdmin, seedLegacyData } from '@f1/local-stack/seed'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { registerInBrowser, screenshot, startHarness, uniqueEmail, upgradeInBrowser, type Harness } from './harness.ts'

let h: Harness
const LAPTOP = { width: 1280, height: 900 }
const PHONE = { width: 390, height: 844 }

beforeAll(async () => {
  h = await startHarness()
}, 300_000)
afterAll(async () => {
  await h?.stop()
}, 60_000)

async function open(viewport = LAPTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  return { context, page }
}

const usedToday = (page: Page, feature: string) => page.locator(`.meters:not(.compact) [data-feature="${feature}"] .count`).innerText()

test('a new strategist registers, runs a race simulation, sees its charts drawn and the usage meter move', async () => {
  const { context, page } = await open()
  await registerInBrowser(page, h.url, uniqueEmail('race'))
  await page.getByRole('link', { name: 'Plan & usage' }).click()
  await expect.poll(() => usedToday(page, 'simulation_run')).toBe('0')

  await page.getByRole('link', { name: 'Simulate' }).click()
  await expect.poll(() => page.getByLabel('Driver').locator('option').count()).toBeGreaterThan(10)
  await page.getByLabel('Driver').selectOption('HAM')
  await expect.poll(() => page.getByLabel('Stint 2 pit lap').inputValue()).toBe('22')
  await screenshot(page, 'simulate-laptop')
  await page.getByRole('button', { name: 'Run simulation' }).click()
  await page.waitForURL(/\/simulations\/[^/]+$/)
  await page.getByRole('heading', { name: /Shanghai 2019 · HAM · race/ }).waitFor()
  for (const chart of ['lap-times', 'positions', 'gap-to-leader', 'tyre-stints']) {
    await page.locator(`[data-chart="${chart}"] svg`).first().waitFor()
  }
  await screenshot(page, 'race-result-laptop')

  await page.getByRole('link', { name: 'Plan & usage' }).click()
  await expect.poll(() => usedToday(page, 'simulation_run')).toBe('1')
  await screenshot(page, 'plan-laptop')

  await page.getByRole('link', { name: 'History' }).click()
  await page.getByRole('link', { name: /Shanghai 2019 · HAM · race/ }).waitFor()
  await screenshot(page, 'history-laptop')
  await page.getByRole('link', { name: 'Activity' }).click()
  await page.getByText('Simulation Completed').first().waitFor()
  await screenshot(page, 'activity-laptop')
  await context.close()
}, 180_000)

test('at a phone width the simulate screen and a race result fit the screen behind a menu', async () => {
  const { context, page } = await open(PHONE)
  await registerInBrowser(page, h.url, uniqueEmail('phone'))
  await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false)
  await page.getByRole('button', { name: 'Menu' }).click()
  await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true)
  await page.getByRole('button', { name: 'Menu' }).click()
  await expect.poll(() => page.getByLabel('Driver').locator('option').count()).toBeGreaterThan(10)
  await screenshot(page, 'simulate-phone')
  await page.getByRole('button', { name: 'Run simulation' }).click()
  await page.locator('[data-chart="lap-times"] svg').first().waitFor()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0)
  await screenshot(page, 'race-result-phone')
  await context.close()
}, 120_000)

test('a free user asking for Monte Carlo is offered the upgrade, and nothing is charged', async () => {
  const { context, page } = await open()
  await registerInBrowser(page, h.url, uniqueEmail('free'))
  await expect.poll(() => page.getByLabel('Driver').locator('option').count()).toBeGreaterThan(10)
  await page.getByRole('radio', { name: /Monte Carlo/ }).check()
  await page.getByRole('button', { name: 'Run simulation' }).click()
  const offer = page.locator('[data-error-action="upgrade"]')
  await offer.waitFor()
  expect(await offer.innerText()).toContain('Monte Carlo runs are not in your free plan')
  expect(await offer.getByRole('link', { name: 'See plans and upgrade' }).isVisible()).toBe(true)
  await screenshot(page, 'upgrade-offer-laptop')
  await offer.getByRole('link', { name: 'See plans and upgrade' }).click()
  await page.getByRole('heading', { name: 'Plan and usage' }).waitFor()
  await expect.poll(() => usedToday(page, 'monte_carlo_run')).toBe('0')
  await context.close()
}, 120_000)

test('a strategist upgrades through checkout, sees the new limits, and compares two strategies in Monte Carlo', async () => {
  const { context, page } = await open()
  await registerInBrowser(page, h.url, uniqueEmail('upgrade'))
  await upgradeInBrowser(page, 'Pro', () => screenshot(page, 'checkout-laptop'))
  await expect.poll(() => page.locator('.meters:not(.compact) [data-feature="monte_carlo_run"] label').innerText()).toContain('of 10,000')
  await screenshot(page, 'plan-upgraded-laptop')

  await page.getByRole('link', { name: 'Simulate' }).click()
  await expect.poll(() => page.getByLabel('Driver').locator('option').count()).toBeGreaterThan(10)
  await page.getByRole('radio', { name: /Monte Carlo/ }).check()
  await page.getByLabel('Runs').fill('200')
  await page.getByLabel(/Compare with strategy B/).check()
  await page.getByLabel('Stint 2 pit lap').last().fill('18')
  await page.getByRole('button', { name: 'Run simulation' }).click()
  await page.waitForURL(/\/simulations\/[^/]+$/)
  for (const chart of ['paired-delta', 'position-distribution', 'race-time-distribution']) {
    await page.locator(`[data-chart="${chart}"] svg`).first().waitFor()
  }
  await screenshot(page, 'monte-carlo-result-laptop')
  await page.getByRole('link', { name: 'Plan & usage' }).click()
  await expect.poll(() => usedToday(page, 'monte_carlo_run')).toBe('400')

  // The optimizer's Monte Carlo re-evaluation runs as a job: its page shows the strategies once done.
  await page.getByRole('link', { name: 'Simulate' }).click()
  await expect.poll(() => page.getByLabel('Driver').locator('option').count()).toBeGreaterThan(10)
  await page.getByLabel(/Also race the best of each stop count/).check()
  await page.getByLabel('Monte Carlo runs').fill('100')
  await page.getByRole('button', { name: 'Find the best strategies' }).click()
  await page.waitForURL(/\/simulations\/[^/]+$/)
  await page.locator('[data-chart="strategy-table"] th', { hasText: 'Win (%)' }).waitFor()
  await page.locator('[data-chart="pit-lap-curve"] svg').first().waitFor()
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('optimizer')
  await screenshot(page, 'optimizer-job-laptop')
  await page.getByRole('link', { name: 'Plan & usage' }).click()
  await expect.poll(() => usedToday(page, 'monte_carlo_run')).toBe('700')

  // A sensitivity sweep in Monte Carlo runs as a job; its chart leads the result.
  await page.getByRole('link', { name: 'Simulate' }).click()
  await expect.poll(() => page.getByLabel('Driver').locator('option').count()).toBeGreaterThan(10)
  await page.getByRole('radio', { name: /Monte Carlo/ }).check()
  await page.getByLabel('Runs').fill('200')
  await page.getByLabel(/Pit-lane loss/).check()
  await page.getByLabel(/Tyre wear/).check()
  await screenshot(page, 'sensitivity-setup-laptop')
  await page.getByRole('button', { name: 'Run simulation' }).click()
  await page.waitForURL(/\/simulations\/[^/]+$/)
  await page.locator('[data-chart="sensitivity"] svg').first().waitFor()
  await screenshot(page, 'sensitivity-result-laptop')
  await page.getByRole('link', { name: 'Plan & usage' }).click()
  await expect.poll(() => usedToday(page, 'monte_carlo_run')).toBe('2,500')
  await context.close()
}, 240_000)

test('a long Monte Carlo study runs as a job with progress, and a cancel keeps and charges only the runs done', async () => {
  const { context, page } = await open()
  await registerInBrowser(page, h.url, uniqueEmail('team'))
  await upgradeInBrowser(page, 'Team')

  await page.getByRole('link', { name: 'Simulate' }).click()
  await expect.poll(() => page.getByLabel('Driver').locator('option').count()).toBeGreaterThan(10)
  await page.getByRole('radio', { name: /Monte Carlo/ }).check()
  await page.getByLabel('Runs').fill('90000')
  await page.getByRole('button', { name: 'Run simulation' }).click()
  await page.waitForURL(/\/simulations\/[^/]+$/)
  const progress = page.locator('label[for="job-progress"]')
  await expect.poll(() => progress.innerText(), { timeout: 60_000 }).toMatch(/^Running: [1-9][\d,]* of 90,000 runs/)
  await screenshot(page, 'job-running-laptop')
  await page.getByRole('button', { name: 'Cancel' }).click()
  const cancelled = page.getByText(/^Cancelled: the results cover the [\d,]+ runs done before the cancel/)
  await cancelled.waitFor({ timeout: 30_000 })
  const kept = Number(/cover the ([\d,]+) runs/.exec(await cancelled.innerText())?.[1]?.replaceAll(',', ''))
  expect(kept).toBeGreaterThan(0)
  expect(kept).toBeLessThan(90_000)
  await page.locator('[data-chart="position-distribution"] svg').first().waitFor()
  await screenshot(page, 'job-cancelled-laptop')
  await page.getByRole('link', { name: 'Plan & usage' }).click()
  await expect.poll(() => usedToday(page, 'monte_carlo_run')).toBe(kept.toLocaleString('en-US'))
  await context.close()
}, 240_000)

test('a session that ends (cookie gone) leads back to sign-in, and signing in returns to the screen', async () => {
  const { context, page } = await open()
  const email = uniqueEmail('expiry')
  await registerInBrowser(page, h.url, email)
  await page.getByRole('link', { name: 'History' }).click()
  await context.clearCookies()
  await page.reload()
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await screenshot(page, 'sign-in-laptop')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('a-long-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Your simulations' }).waitFor()
  await context.close()
}, 120_000)

test('an admin starts a dry run of the migration and sees it progress to its report, then a verify that lists what is missing', async () => {
  const seeded: string[] = []
  await seedLegacyData(h.stack.env, (line) => seeded.push(line))
  expect(seeded.join('\n')).toContain('generated users written to the legacy table')
  const { context, page } = await open()
  const email = uniqueEmail('operator')
  await registerInBrowser(page, h.url, email)
  const granted = await grantAdmin(email, h.stack.env)
  expect(granted.ok, granted.output).toBe(true)
  // The role is in the token of the next sign-in.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('a-long-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('link', { name: 'Migration' }).click()
  await page.getByRole('button', { name: 'Start a dry run' }).click()
  const run = page.locator('article.run').first()
  expect(await run.innerText()).toContain('dry run')
  await expect.poll(() => run.getAttribute('data-run-status'), { timeout: 90_000 }).toMatch(/^completed/)
  await run.getByText('Report').waitFor()
  const read = /([\d,]+) of .* items read/.exec(await run.innerText())?.[1]
  expect(Number(read?.replaceAll(',', '')), 'the dry run read the legacy items').toBeGreaterThan(100)
  await screenshot(page, 'admin-laptop')

  // From the keyboard: the verify button takes the focus and Enter starts it.
  await page.getByRole('button', { name: 'Start a verify' }).focus()
  await page.keyboard.press('Enter')
  const verification = page.locator('article[data-verification-status]')
  await expect.poll(() => verification.getAttribute('data-verification-status'), { timeout: 90_000 }).toBe('done')
  // Only a dry run ran: the items that map have no rows yet.
  expect(await verification.getByRole('status').innerText()).toMatch(/^[\d,]+ differences: [\d,]+ missing/)
  await verification.getByRole('table', { name: /^The first 50 of [\d,]+ differences/ }).waitFor()
  expect(await verification.locator('tr[data-difference="missing"]').count()).toBeGreaterThan(0)
  await verification.getByRole('table', { name: 'Per table' }).waitFor()
  await screenshot(page, 'admin-verify-laptop')
  await context.close()
}, 240_000)
