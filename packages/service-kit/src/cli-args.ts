// Argument parsing for every command line of the project: node's parseArgs, strict, with the `--`
// that `pnpm <script> -- <args>` hands to the script taken away, and one exit code for misuse.
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Exit code of a command used wrongly (unknown option, missing value, bad positional). */
export const USAGE_EXIT_CODE = 2

/**
 * A path the user typed, resolved where they typed it: pnpm runs a package's script in the
 * package's folder and says where the command was typed in INIT_CWD.
 */
export function pathFromInvocation(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path)
}

/** A command used wrongly; its message names the argument at fault. */
export class UsageError extends Error {
  readonly exitCode = USAGE_EXIT_CODE
  override readonly name = 'UsageError'
}

export type CliArgsConfig = Omit<ParseArgsConfig, 'args' | 'strict' | 'tokens'>

/**
 * Removes the `--` pnpm passes through (`pnpm dev -- --data-dir x` runs `f1-local dev -- --data-dir x`):
 * only one that comes before any positional, where it cannot be separating a positional from
 * options. A later `--` stays the end-of-options marker (`grant -- -odd@example.com`).
 */
export function dropPassThroughSeparator(args: readonly string[], config: CliArgsConfig = {}): string[] {
  const { tokens } = parseArgs({ ...config, args: [...args], strict: false, allowPositionals: true, tokens: true })
  for (const token of tokens) {
    if (token.kind === 'positional') break
    if (token.kind === 'option-terminator') return [...args.slice(0, token.index), ...args.slice(token.index + 1)]
  }
  return [...args]
}

/**
 * parseArgs, strict, on `args` without pnpm's `--`. Misuse throws a UsageError naming the argument
 * (`Unknown option '--x'`, `Unexpected argument 'y'`, `Option '--port <value>' argument missing`).
 */
export function parseCliArgs<const T extends CliArgsConfig>(args: readonly string[], config: T) {
  try {
    return parseArgs({ ...config, args: dropPassThroughSeparator(args, config), strict: true })
  } catch (err) {
    if (isParseArgsError(err)) throw new UsageError((err as Error).message)
    throw err
  }
}

function isParseArgsError(err: unknown): boolean {
  return err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')
}

/** An integer option in [min, max], or undefined when absent; anything else is a UsageError naming it. */
export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${value}`)
  return n
}

/**
 * For a command's outermost catch: writes a UsageError as `<program>: <message>` (then the usage
 * text, if given) and returns its exit code; rethrows anything else.
 */
export function reportUsageError(err: unknown, program: string, stderr: NodeJS.WritableStream, usage?: string): number {
  if (!(err instanceof UsageError)) throw err
  stderr.write(`${program}: ${err.message}\n${usage === undefined ? '' : `\n${usage.trimEnd()}\n`}`)
  return err.exitCode
}

/** parseCliArgs for scripts without a main(): a usage error is printed and ends the process. */
export function parseCliArgsOrExit<const T extends CliArgsConfig>(
  args: readonly string[],
  config: T,
  describe: { program: string; usage?: string },
): ReturnType<typeof parseCliArgs<T>> {
  try {
    return parseCliArgs(args, config)
  } catch (err) {
    process.exit(reportUsageError(err, describe.program, process.stderr, describe.usage))
  }
}
