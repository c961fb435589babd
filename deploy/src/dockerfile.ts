// The Dockerfile as data, so the steps run without Docker are the image's own (image-steps.ts).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const DOCKERFILE = join(import.meta.dirname, '..', 'Dockerfile')

export interface Instruction {
  keyword: string
  /** The rest of the instruction, continuation lines joined. */
  args: string
  line: number
}

export interface Stage {
  /** `AS <name>`; the last stage (the image) has none here. */
  name: string | undefined
  instructions: Instruction[]
}

/** Instructions per stage; comments, blank lines and parser directives dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = []
  let pending: { text: string; line: number } | undefined
  const lines = text.split('\n')
  lines.forEach((raw, index) => {
    const trimmed = raw.trim()
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) return
    const joined = pending ? `${pending.text} ${trimmed}` : trimmed
    const line = pending?.line ?? index + 1
    if (joined.endsWith('\\')) {
      pending = { text: joined.slice(0, -1).trimEnd(), line }
      return
    }
    pending = undefined
    const match = /^(\w+)\s+(.*)$/.exec(joined)
    if (!match) throw new Error(`Dockerfile line ${line}: cannot read "${joined}"`)
    const instruction = { keyword: match[1]!.toUpperCase(), args: match[2]!, line }
    if (instruction.keyword === 'FROM') {
      stages.push({ name: /\bAS\s+(\S+)$/i.exec(instruction.args)?.[1], instructions: [] })
      return
    }
    // ARGs before the first FROM only parameterise FROM lines.
    stages.at(-1)?.instructions.push(instruction)
  })
  return stages
}

/** `ENV A=1 B=2` (the key=value form this repository writes). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { keyword, args, line } of stage.instructions) {
    if (keyword !== 'ENV') continue
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=')
      if (eq <= 0) throw new Error(`Dockerfile line ${line}: write ENV as KEY=value`)
      env[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
  }
  return env
}

/** The exec form of CMD or HEALTHCHECK ... CMD: `["node", "dist/server.js"]`. */
export function execForm(stage: Stage, keyword: 'CMD' | 'HEALTHCHECK'): string[] {
  const instruction = stage.instructions.find((i) => i.keyword === keyword)
  if (!instruction) throw new Error(`the image's stage has no ${keyword}`)
  const json = keyword === 'HEALTHCHECK' ? instruction.args.replace(/^.*?\bCMD\s+/, '') : instruction.args
  const argv: unknown = JSON.parse(json)
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string')) {
    throw new Error(`Dockerfile line ${instruction.line}: ${keyword} must use the exec form (a JSON array of strings)`)
  }
  return argv
}

export function readDockerfile(path = DOCKERFILE): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'))
}
