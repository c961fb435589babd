// `f1-local stripe`: the local Stripe double alone, in the foreground (`f1-local dev` starts one itself).
import { intOption, parseCliArgs } from '@f1/service-kit/cli-args'
import { onShutdownSignal } from '../cli/signals.ts'
import {
  DEV_STRIPE_PRICES,
  DEV_STRIPE_WEBHOOK_SECRET,
  planPrices,
  startStripeDouble,
  STRIPE_DOUBLE_PORT,
  STRIPE_DOUBLE_SECRET_KEY,
} from './double.ts'

const USAGE = `Usage: f1-local stripe [--port N] [--webhook-url URL]
  --port N           listen on N, 0 for any free port (default STRIPE_DOUBLE_PORT, else ${STRIPE_DOUBLE_PORT})
  --webhook-url URL  where events are POSTed (default GATEWAY_URL, else http://127.0.0.1:3000, + /api/stripe/webhook)
Signs with STRIPE_WEBHOOK_SECRET (else the dev secret); prices STRIPE_PRICE_PRO / STRIPE_PRICE_TEAM (else the dev ones).
`

export async function runStripeDouble(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseCliArgs(args, {
    options: { port: { type: 'string' }, 'webhook-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const port = intOption(values.port, 'port', 0, 65535) ?? Number(env.STRIPE_DOUBLE_PORT ?? STRIPE_DOUBLE_PORT)
  const webhookUrl = values['webhook-url'] ?? `${env.GATEWAY_URL ?? 'http://127.0.0.1:3000'}/api/stripe/webhook`
  const double = await startStripeDouble({
    port,
    webhookUrl,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? DEV_STRIPE_WEBHOOK_SECRET,
    prices: planPrices({ pro: env.STRIPE_PRICE_PRO ?? DEV_STRIPE_PRICES.pro, team: env.STRIPE_PRICE_TEAM ?? DEV_STRIPE_PRICES.team }),
    log: (line) => console.log(line),
    adoptUnknownIds: true,
  })
  onShutdownSignal(() => double.close())
  console.log(
    `Local Stripe double (test mode, in memory) on ${double.url}; webhooks to ${webhookUrl}. ` +
      `subscription-service needs STRIPE_SECRET_KEY=${STRIPE_DOUBLE_SECRET_KEY} STRIPE_API_URL=${double.url}. Ctrl-C stops it.`,
  )
  await new Promise(() => {})
  return 0
}
