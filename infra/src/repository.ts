// Where the things the CDK app ships come from, relative to this file (never the cwd: the cdk CLI,
// `pnpm synth` and the tests run from different folders).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: the Docker build context of every app image. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The one Dockerfile of every app, relative to REPO_ROOT; `ARG APP` picks the app folder. */
export const DOCKERFILE = 'deploy/Dockerfile'

/** The web console's build output (`pnpm --filter ./apps/web build`, vite). */
export const WEB_DIST = join(REPO_ROOT, 'apps/web/dist')

/** Whether the console has been built: the web stack deploys its files only then. */
export function webBuildExists(dir: string = WEB_DIST): boolean {
  return existsSync(join(dir, 'index.html'))
}
