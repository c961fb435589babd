// `COPY . .` of the build stage: the repository as Docker sends it, without what .dockerignore names.
import { cpSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** One .dockerignore line as a test on a path relative to the root (`/`-separated). */
function matcher(pattern: string): (path: string) => boolean {
  const anywhere = pattern.startsWith('**/')
  const body = anywhere ? pattern.slice(3) : pattern
  const regex = new RegExp(
    `^${body
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  )
  return (path) => {
    if (!anywhere) return regex.test(path) || path.startsWith(`${body}/`)
    // `**/x` matches x as any path's last segment; a folder's content is skipped with the folder.
    return regex.test(path.split('/').at(-1)!)
  }
}

/** The patterns of a .dockerignore this file understands: paths, `*` within a segment, a leading `**\/`. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  for (const pattern of patterns) {
    if (pattern.startsWith('!') || pattern.slice(pattern.startsWith('**/') ? 3 : 0).includes('**')) {
      throw new Error(`.dockerignore: "${pattern}" is beyond what deploy/src/build-context.ts reads; extend it first`)
    }
  }
  const tests = patterns.map(matcher)
  return (path) => tests.some((test) => test(path))
}

/** Copies `root` into `dest` as the build context Docker would send. */
export function copyBuildContext(root: string, dest: string): void {
  const ignored = dockerIgnore(readFileSync(join(root, '.dockerignore'), 'utf8'))
  cpSync(root, dest, {
    recursive: true,
    filter: (source) => {
      const path = relative(root, source).split(sep).join('/')
      return path === '' || !ignored(path)
    },
  })
}
