import t from 'tap'
import { BASE_DEV_DEFAULTS, ConfigError } from '@f1/service-kit/config'
import { repoRoot } from '../src/cli/paths.ts'
import { appConfigSpecs } from '../src/env-docs.ts'

// The shared secrets (docs/architecture.md, "Configuration"); a production app must never start on
// their dev values.
const SECRETS = ['SERVICE_TOKEN', 'JWT_SECRET', 'EVENT_BUS_SECRET', 'STRIPE_WEBHOOK_SECRET']

t.test('with STAGE=prod every app refuses the dev value of each secret it uses, naming the variable', async (t) => {
  const specs = await appConfigSpecs(repoRoot())
  t.ok(specs.length >= 4)
  for (const { app, spec } of specs) {
    const devValues: Record<string, string> = { ...BASE_DEV_DEFAULTS, ...spec.devDefaults }
    const used = SECRETS.filter((name) => name in spec.properties && devValues[name] !== undefined)
    const env = { STAGE: 'prod', ...Object.fromEntries(Object.entries(devValues).filter(([k]) => k in spec.properties)) }
    const err = t.throws(() => spec.load({ env }), `${app} refuses to start`) as ConfigError
    t.type(err, ConfigError)
    for (const name of used) t.match(err.message, new RegExp(`${name}: is the dev default`), `${app}: ${name}`)
  }
})

t.test('with STAGE=prod a missing secret stops the app with a message naming it', async (t) => {
  for (const { app, spec } of await appConfigSpecs(repoRoot())) {
    const err = t.throws(() => spec.load({ env: { STAGE: 'prod' } })) as ConfigError
    t.match(err.message, /SERVICE_TOKEN: is required/, app)
  }
})
