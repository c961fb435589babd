// Sums tap's closing `# { total: N, pass: N, fail: N }` lines across packages.
const SUMMARY = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?[^}]*\}/

export class TapTotals {
  private pending = ''
  private passed = 0
  private failed = 0
  private suites = 0

  /** Feeds a chunk of output; lines may be split across chunks. */
  feed(chunk: string): void {
    const lines = (this.pending + chunk).split('\n')
    this.pending = lines.pop() ?? ''
    for (const line of lines) this.line(line)
  }

  finish(): { passed: number; failed: number; suites: number } {
    if (this.pending) this.line(this.pending)
    this.pending = ''
    return { passed: this.passed, failed: this.failed, suites: this.suites }
  }

  private line(line: string): void {
    const match = SUMMARY.exec(line)
    if (!match) return
    this.suites += 1
    this.passed += Number(match[2] ?? 0)
    this.failed += Number(match[3] ?? 0)
  }
}
