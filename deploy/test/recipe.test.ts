import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { SERVICE_NAMES } from '@f1/contracts/services'
import { dockerIgnore } from '../src/build-context.ts'
import { parseDockerfile } from '../src/dockerfile.ts'
import { imageRecipe, REPO } from '../src/image-steps.ts'

t.test("every app's start script is the image's CMD", async (t) => {
  const cmd = imageRecipe().cmd.join(' ')
  for (const app of SERVICE_NAMES) {
    const manifest = JSON.parse(readFileSync(join(REPO, 'apps', app, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    t.equal(manifest.scripts.start, cmd, app)
  }
})

t.test('the build steps that name the app run per app; install runs once for all', async (t) => {
  const recipe = imageRecipe()
  t.ok(recipe.sharedSteps.some((step) => step.startsWith('pnpm install --frozen-lockfile')))
  t.ok(recipe.appSteps.some((step) => step.startsWith('pnpm build')))
  t.ok(recipe.appSteps.some((step) => step.startsWith('pnpm deploy --prod')))
  t.equal(recipe.out, '/out')
})

t.test('a Dockerfile whose image copies more than the production folder is refused', async (t) => {
  const stages = parseDockerfile(
    [
      'FROM node:22 AS build',
      'ENV OUT=/out',
      'COPY . .',
      'RUN pnpm install',
      'FROM node:22',
      'COPY --from=build /out ./',
      'COPY . /src',
      'CMD ["node", "dist/server.js"]',
      'HEALTHCHECK CMD ["node", "x.js"]',
    ].join('\n'),
  )
  t.throws(() => imageRecipe(stages), /copy exactly the build stage's \/out/)
})

t.test('continuation lines join into one step; comments are not steps', async (t) => {
  const [stage] = parseDockerfile('FROM x AS build\n# a comment\nRUN a \\\n  && b\n')
  t.same(stage!.instructions, [{ keyword: 'RUN', args: 'a && b', line: 3 }])
})

t.test('.dockerignore keeps node_modules, dist and logs of every folder out of the build context', async (t) => {
  const ignored = dockerIgnore(REPO, readFileSync(join(REPO, '.dockerignore'), 'utf8'))
  for (const path of ['node_modules', 'apps/gateway/node_modules', 'apps/gateway/dist', '.git', 'x/y/debug.log', 'bench/results'])
    t.ok(ignored(join(REPO, path)), path)
  for (const path of [
    'apps/gateway/src/server.ts',
    'pnpm-lock.yaml',
    'deploy/Dockerfile',
    'packages/race-sim/src/monte-carlo/worker-entry.mjs',
  ])
    t.notOk(ignored(join(REPO, path)), path)
})

t.test('a negated .dockerignore pattern puts back what an earlier one left out, as Docker reads it', async (t) => {
  const ignored = dockerIgnore(REPO, '**/*.log\n!keep.log\n')
  t.ok(ignored(join(REPO, 'x/debug.log')))
  t.notOk(ignored(join(REPO, 'keep.log')))
})
