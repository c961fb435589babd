// The shell commands the READMEs document: every command of their ```bash / ```sh / ```shell blocks.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface DocumentedCommand {
  /** The README, relative to the repository root. */
  readme: string
  /** The command as a shell reads it: comments dropped, continuation lines and whitespace runs joined. */
  command: string
}

/** README.md, infra/README.md and every apps/* and packages/* README.md. */
export function readmeFiles(root: string): string[] {
  const nested = ['apps', 'packages'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .sort()
      .map((name) => `${dir}/${name}/README.md`),
  )
  return ['README.md', 'infra/README.md', ...nested].filter((file) => existsSync(join(root, file)))
}

const SHELL_FENCE = /^```(?:bash|sh|shell)\s*$/

/** The shell code blocks of a Markdown text. */
export function shellBlocks(markdown: string): string[] {
  const blocks: string[] = []
  let current: string[] | undefined
  for (const line of markdown.split(/\r?\n/)) {
    if (current === undefined) {
      if (SHELL_FENCE.test(line.trim())) current = []
    } else if (line.trim().startsWith('```')) {
      blocks.push(current.join('\n'))
      current = undefined
    } else current.push(line)
  }
  return blocks
}

/**
 * Splits a block into commands as a shell would: a newline ends one unless it is escaped or inside
 * quotes or `$( )`; `#` starts a comment where a word can start.
 */
export function splitCommands(block: string): string[] {
  const commands: string[] = []
  let text = ''
  let quote: "'" | '"' | undefined
  let depth = 0
  const end = () => {
    const command = text.replace(/\s+/g, ' ').trim()
    if (command !== '') commands.push(command)
    text = ''
  }
  for (let i = 0; i < block.length; i++) {
    const c = block[i]!
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') {
        text += c + (block[++i] ?? '')
        continue
      }
      if (c === quote) quote = undefined
      text += c
    } else if (c === '\\' && block[i + 1] === '\n') {
      text += ' '
      i++
    } else if (c === "'" || c === '"') {
      quote = c
      text += c
    } else if (c === '#' && (text === '' || /\s$/.test(text))) {
      while (i + 1 < block.length && block[i + 1] !== '\n') i++
    } else if (c === '\n' && depth === 0) {
      end()
    } else {
      if (c === '(' && block[i - 1] === '$') depth++
      if (c === ')' && depth > 0) depth--
      text += c
    }
  }
  end()
  return commands
}

export function documentedCommands(root: string): DocumentedCommand[] {
  return readmeFiles(root).flatMap((readme) =>
    shellBlocks(readFileSync(join(root, readme), 'utf8')).flatMap((block) => splitCommands(block).map((command) => ({ readme, command }))),
  )
}
