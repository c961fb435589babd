// Sums tap's closing `# { total: N, pass: N, fail: N }` lines across packages, and keeps every
// failure (its `not ok` line and tap's YAML block under it) so the run can repeat them at its end:
// CI shows the tail of a long log, where a failure printed mid-run would be out of sight.
const SUMMARY = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?[^}]*\}/
// turbo prefixes each line with `<package>:<task>: `; tap indents subtests.
const LINE = /^(\S+:\S+: )?( *)(.*)$/
const NOT_OK = /^not ok \d+ - /

/** Lines kept of one failure's YAML block (a diff can be long) and failures kept in all. */
const MAX_BLOCK_LINES = 30
const MAX_FAILURES = 40

interface OpenFailure {
  prefix: string
  indent: number
  lines: string[]
  inBlock: boolean
}

export class TapTotals {
  private pending = ''
  private passed = 0
  private failed = 0
  private suites = 0
  private readonly failures: string[][] = []
  private omitted = 0
  private open: OpenFailure | undefined

  /** Feeds a chunk of output; lines may be split across chunks. */
  feed(chunk: string): void {
    const lines = (this.pending + chunk).split('\n')
    this.pending = lines.pop() ?? ''
    for (const line of lines) this.line(line)
  }

  finish(): { passed: number; failed: number; suites: number } {
    if (this.pending) this.line(this.pending)
    this.pending = ''
    this.closeFailure()
    return { passed: this.passed, failed: this.failed, suites: this.suites }
  }

  /** Every failure seen, each as its `not ok` line with tap's details, ready to print. */
  failureReport(): string {
    const shown = this.failures.map((lines) => lines.join('\n'))
    if (this.omitted > 0) shown.push(`... and ${this.omitted} more failures (see above)`)
    return shown.join('\n')
  }

  private line(raw: string): void {
    const match = SUMMARY.exec(raw)
    if (match) {
      this.suites += 1
      this.passed += Number(match[2] ?? 0)
      this.failed += Number(match[3] ?? 0)
    }
    const [, prefix = '', spaces = '', text = ''] = LINE.exec(raw) ?? []
    const open = this.open
    if (open && prefix === open.prefix) {
      const own = raw.slice(prefix.length)
      if (open.inBlock) {
        if (open.lines.length <= MAX_BLOCK_LINES || text === '...') open.lines.push(own)
        if (text === '...') this.closeFailure()
        return
      }
      if (text === '---' && spaces.length > open.indent) {
        open.inBlock = true
        open.lines.push(own)
        return
      }
      this.closeFailure()
    }
    if (NOT_OK.test(text)) {
      this.closeFailure()
      this.open = { prefix, indent: spaces.length, lines: [`${prefix}${spaces}${text}`], inBlock: false }
    }
  }

  private closeFailure(): void {
    if (!this.open) return
    if (this.failures.length < MAX_FAILURES) this.failures.push(this.open.lines)
    else this.omitted += 1
    this.open = undefined
  }
}
