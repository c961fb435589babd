// The secrets the compute stack creates, all generated and named `f1/<stage>/...`: the gateway's JWT
// key, one service token per (caller, callee) pair, and Stripe's two secrets, which hold a random
// placeholder until the operator puts the real values (infra/README.md, "Secrets to fill").
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import { Secret } from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import { servicePairs, type Caller, type ServiceName } from '@f1/contracts/services'
import { secretName, type Stage } from './names.ts'
import type { SecretSource } from './service-env.ts'

export interface ServiceSecretsProps {
  stage: Stage
}

/** The secret's name for a pair: `f1/<stage>/service-token/gateway-to-usage-service`. */
export function serviceTokenSecretName(stage: Stage, caller: Caller, callee: ServiceName): string {
  return secretName(stage, `service-token/${caller}-to-${callee}`)
}

export class ServiceSecrets extends Construct {
  readonly jwt: Secret
  readonly stripeSecretKey: Secret
  readonly stripeWebhookSecret: Secret
  readonly tokens = new Map<string, Secret>()

  constructor(scope: Construct, id: string, props: ServiceSecretsProps) {
    super(scope, id)
    const { stage } = props
    this.jwt = new Secret(this, 'Jwt', {
      secretName: secretName(stage, 'gateway/jwt-secret'),
      description: "The gateway's HS256 key for user tokens (JWT_SECRET)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    })
    // Placeholders: Stripe issues these values; the apps reject a Stripe call or webhook until they are put.
    this.stripeSecretKey = new Secret(this, 'StripeSecretKey', {
      secretName: secretName(stage, 'subscription-service/stripe-secret-key'),
      description: 'Stripe API key (STRIPE_SECRET_KEY): placeholder until put-secret-value with the live or test key',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    })
    this.stripeWebhookSecret = new Secret(this, 'StripeWebhookSecret', {
      secretName: secretName(stage, 'subscription-service/stripe-webhook-secret'),
      description: "Signing secret of Stripe's webhook endpoint (STRIPE_WEBHOOK_SECRET): placeholder until put-secret-value with whsec_...",
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    })
    for (const { caller, callee } of servicePairs()) {
      this.tokens.set(
        `${caller}>${callee}`,
        new Secret(this, `${caller}-to-${callee}`, {
          secretName: serviceTokenSecretName(stage, caller, callee),
          description: `Service token ${caller} presents to ${callee}`,
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
        }),
      )
    }
  }

  /** The secret a variable is filled from. */
  secretFor(source: SecretSource): secretsmanager.ISecret {
    switch (source.kind) {
      case 'jwt':
        return this.jwt
      case 'stripe-secret-key':
        return this.stripeSecretKey
      case 'stripe-webhook-secret':
        return this.stripeWebhookSecret
      case 'service-token': {
        const token = this.tokens.get(`${source.caller}>${source.callee}`)
        if (!token) throw new Error(`no service token for ${source.caller} -> ${source.callee}`)
        return token
      }
    }
  }
}
