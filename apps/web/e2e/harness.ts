// What the browser tests run against: the whole local stack as processes (its own DynamoDB Local,
// the bus with the consumers' queues they poll, the relay, every app), the console's production build served by Vite's preview server
// with /api proxied to the stack's gateway, and Debian's Chromium driven by playwright-core.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '@f1/local-stack/dynamodb'
import { startProcessStack, type Stack } from '@f1/local-stack/process-stack'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build, preview, type PreviewServer } from 'vite'

const WEB = join(import.meta.dirname, '..')
/** Screenshots of each main screen; CI keeps this folder (see .ci/run). */
export const SCREENSHOTS = join(WEB, '..', '..', 'artifacts', 'web-screenshots')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface Harness {
  stack: Stack
  url: string
  browser: Browser
  stop(): Promise<void>
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`)
  }
  mkdirSync(SCREENSHOTS, { recursive: true })
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const stack = await startProcessStack({
    name: 'web-e2e',
    jwtSecret: 'web-e2e-jwt-secret-0123456789abcdef012345',
    webhookSecret: 'whsec_web_e2e_0123456789',
    prices: { pro: 'price_web_e2e_pro', team: 'price_web_e2e_team' },
    // Checkout goes through the local Stripe double, as in `pnpm dev`.
    stripeDouble: true,
    env: {
      APP_ORIGINS: origin,
      SESSION_COOKIE_SECURE: 'false',
      // Every test registers from one address.
      RATE_LIMIT_REGISTER_PER_ADDRESS: '1000',
      RATE_LIMIT_LOGIN_PER_ADDRESS: '1000',
    },
  })
  let server: PreviewServer | undefined
  let browser: Browser | undefined
  try {
    await build({ root: WEB, logLevel: 'warn', build: { outDir: join(WEB, 'dist'), emptyOutDir: true } })
    server = await preview({
      root: WEB,
      logLevel: 'warn',
      build: { outDir: join(WEB, 'dist') },
      preview: { host: '127.0.0.1', port, strictPort: true, proxy: { '/api': { target: stack.gateway } } },
    })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // As root in CI; and no calls home, which this machine's closed network refuses.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
  } catch (err) {
    await server?.close()
    await stack.stop()
    throw err
  }
  const running = browser
  const serving = server
  return {
    stack,
    url: origin,
    browser: running,
    async stop() {
      await running.close()
      await serving.close()
      await stack.stop()
    },
  }
}

let counter = 0
export function uniqueEmail(label: string): string {
  counter += 1
  return `${label}.${Date.now().toString(36)}.${counter}@example.com`
}

/** Registers through the console's own form; the page ends on the simulate screen. */
export async function registerInBrowser(page: Page, url: string, email: string, password = 'a-long-password'): Promise<void> {
  await page.goto(`${url}/register`)
  await page.getByLabel('Name').fill('E2E Strategist')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel(/^Password/).fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { name: 'Simulate a strategy' }).waitFor()
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** Buys a plan through the console's plan page and the local Stripe double's checkout page. */
export async function upgradeInBrowser(page: Page, plan: 'Pro' | 'Team', onCheckoutPage?: () => Promise<void>): Promise<void> {
  await page.getByRole('link', { name: 'Plan & usage' }).click()
  await page.getByRole('button', { name: `Upgrade to ${plan}` }).click()
  await page.getByRole('button', { name: 'Pay (test mode)' }).waitFor()
  await onCheckoutPage?.()
  await page.getByRole('button', { name: 'Pay (test mode)' }).click()
  await page.getByText(`You are now on the ${plan.toLowerCase()} plan`).waitFor()
}
