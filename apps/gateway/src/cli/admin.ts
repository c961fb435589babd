// The operator command that grants and revokes role admin. It writes the role on the user's profile
// (legacy table) and logs the change as an action of that user in action-log-service.
import { randomUUID } from 'node:crypto'
import type { LogActionBody } from '@f1/contracts/actions'
import type { Role } from '@f1/contracts/common'
import { parseCliArgs, reportUsageError, USAGE_EXIT_CODE } from '@f1/service-kit/cli-args'
import { ConfigError } from '@f1/service-kit/config'
import { createServiceClient } from '@f1/service-kit/service-client'
import { createDynamoClients } from '@f1/tables/client'
import { loadGatewayConfig } from '../config.ts'
import { createProfilesRepository } from '../repositories/profiles.ts'

export const EXIT = { ok: 0, failed: 1, usage: USAGE_EXIT_CODE } as const

const USAGE = `Usage: pnpm --filter @f1/gateway admin <grant|revoke> <email> [--by NAME]

  grant <email>    Give the account role admin; its next login token carries it
  revoke <email>   Take role admin away; admin routes refuse its tokens within ROLE_CACHE_TTL_MS
  --by NAME        Who runs this, for the action log (default: the OS user)
  --help           This text

Uses the gateway's environment (LEGACY_METADATA_TABLE, DYNAMODB_ENDPOINT, ACTION_LOG_SERVICE_URL,
ACTION_LOG_SERVICE_TOKEN; see README.md). Exit codes: 0 done or nothing to do, 1 unknown email or a failure,
2 bad usage or configuration.`

const CHANGES = {
  grant: { role: 'admin', actionType: 'Role Granted' },
  revoke: { role: 'user', actionType: 'Role Revoked' },
} as const satisfies Record<string, { role: Role; actionType: string }>

export interface Io {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: Record<string, string | undefined>
}

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let parsed
  try {
    parsed = parseCliArgs(argv, { options: { by: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true })
  } catch (err) {
    return reportUsageError(err, 'admin', io.stderr, USAGE)
  }
  if (parsed.values.help) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  const [command, email, ...extra] = parsed.positionals
  if ((command !== 'grant' && command !== 'revoke') || !email || extra.length > 0) {
    io.stderr.write(
      `admin: ${command ? `expected grant or revoke and one email, got: ${parsed.positionals.join(' ')}` : 'no command'}\n\n${USAGE}\n`,
    )
    return EXIT.usage
  }
  let config
  try {
    config = loadGatewayConfig({ env: io.env })
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.stderr.write(`admin: ${err.message}\n`)
    return EXIT.usage
  }
  const by = parsed.values.by ?? io.env.USER ?? io.env.USERNAME ?? 'unknown operator'
  const change = CHANGES[command]
  const { client, doc } = createDynamoClients({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })
  const profiles = createProfilesRepository({ doc, tableName: config.LEGACY_METADATA_TABLE })
  const actionLog = createServiceClient({
    name: 'action-log-service',
    baseUrl: config.ACTION_LOG_SERVICE_URL,
    serviceToken: config.ACTION_LOG_SERVICE_TOKEN,
    timeoutMs: config.SERVICE_TIMEOUT_MS,
  })
  try {
    const profile = await profiles.findProfileByEmail(email)
    if (!profile) {
      io.stderr.write(`admin: no account has the email ${email}; nothing changed\n`)
      return EXIT.failed
    }
    const previous: Role = profile.role === 'admin' ? 'admin' : 'user'
    const noop = `${email} ${change.role === 'admin' ? 'is already an admin' : 'is not an admin'}; nothing changed\n`
    if (previous === change.role || (await profiles.setRole(profile.user_id, change.role)) === 'unchanged') {
      io.stdout.write(noop)
      return EXIT.ok
    }
    const body: LogActionBody = {
      action_id: `role-change-${randomUUID()}`,
      action_type: change.actionType,
      occurred_at: new Date().toISOString(),
      action_details: { role: change.role, previous_role: previous, by, via: 'gateway admin command' },
    }
    try {
      await actionLog.call({ method: 'POST', path: `/users/${encodeURIComponent(profile.user_id)}/actions`, body })
    } catch (err) {
      // A role change stands only when it is on record: put the previous role back.
      await profiles.setRole(profile.user_id, previous)
      io.stderr.write(`admin: the change could not be logged (${(err as Error).message}); the role was put back, nothing changed\n`)
      return EXIT.failed
    }
    io.stdout.write(
      command === 'grant'
        ? `${email} (user ${profile.user_id}) is now an admin; its next login token carries role admin. Logged as "${change.actionType}" by ${by}.\n`
        : `${email} (user ${profile.user_id}) is no longer an admin; admin routes refuse its tokens within ${config.ROLE_CACHE_TTL_MS / 1000} s. Logged as "${change.actionType}" by ${by}.\n`,
    )
    return EXIT.ok
  } catch (err) {
    io.stderr.write(`admin ${command} failed: ${(err as Error).message}\n`)
    return EXIT.failed
  } finally {
    client.destroy()
  }
}
