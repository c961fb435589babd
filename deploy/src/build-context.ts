// `COPY . .` of the build stage: the repository as Docker sends it, without what .dockerignore names.
// The patterns are read by aws-cdk-lib's DockerIgnoreStrategy, the rule the CDK app stages the same
// image assets with, so this copy and the deployed context are one rule (negations included).
import { cpSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { IgnoreStrategy } from 'aws-cdk-lib'

/** A test on absolute paths under `root`: true for what .dockerignore `text` leaves out of the context. */
export function dockerIgnore(root: string, text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  const strategy = IgnoreStrategy.docker(root, patterns)
  return (path) => strategy.ignores(path)
}

/** Copies `root` into `dest` as the build context Docker would send. */
export function copyBuildContext(root: string, dest: string): void {
  const ignored = dockerIgnore(root, readFileSync(join(root, '.dockerignore'), 'utf8'))
  cpSync(root, dest, { recursive: true, filter: (source) => source === root || !ignored(source) })
}
