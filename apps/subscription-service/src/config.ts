// subscription-service configuration (env vars, validated at boot).
import { EVENT_BUS_DEV_DEFAULTS } from '@f1/events/config'
import {
  BaseConfigProperties,
  callerTokensConfig,
  portConfig,
  type ConfigOf,
  defineConfig,
  localCallerTokens,
  type LoadConfigOptions,
} from '@f1/service-kit/config'
import { tableNameConfig } from '@f1/tables'
import { MigrationStageConfigProperties } from '@f1/tables/migration-stages'
import Type from 'typebox'

export const SubscriptionConfigProperties = {
  ...BaseConfigProperties,
  ...callerTokensConfig('subscription-service'),
  ...tableNameConfig('subscriptions', 'legacy', 'migration'),
  ...MigrationStageConfigProperties,
  ...portConfig('subscription-service'),
  STRIPE_SECRET_KEY: Type.Optional(Type.String({ minLength: 8, description: 'Stripe API key; without it checkout and cancel answer 503' })),
  STRIPE_WEBHOOK_SECRET: Type.String({ minLength: 8, description: 'Signing secret of the Stripe webhook endpoint (whsec_...)' }),
  STRIPE_PRICE_PRO: Type.String({ minLength: 1, description: 'Stripe price id of the pro plan' }),
  STRIPE_PRICE_TEAM: Type.String({ minLength: 1, description: 'Stripe price id of the team plan' }),
  STRIPE_API_URL: Type.Optional(Type.String({ format: 'uri', description: 'Stripe API override (a local test server); unset for Stripe' })),
}
export type SubscriptionConfig = ConfigOf<typeof SubscriptionConfigProperties>

/** The dev webhook secret: local scripts sign demo events with it. */
export const DEV_WEBHOOK_SECRET = 'whsec_dev_f1_race_sim_local_only'

/** The schema and dev-only defaults, for loading and for the README's env table. */
export const subscriptionConfigSpec = defineConfig(SubscriptionConfigProperties, {
  ...localCallerTokens('subscription-service'),
  STRIPE_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
  STRIPE_PRICE_PRO: 'price_dev_pro',
  STRIPE_PRICE_TEAM: 'price_dev_team',
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadSubscriptionConfig(options: LoadConfigOptions = {}): SubscriptionConfig {
  return subscriptionConfigSpec.load(options)
}
