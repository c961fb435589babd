import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = import.meta.dirname
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('pnpm-workspace.yaml not found above ' + import.meta.dirname)
    dir = parent
  }
  return dir
}
