// Ctrl-C and SIGTERM for the long-running commands: clean up once, then exit.
export function onShutdownSignal(cleanup: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    void cleanup(signal).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  process.on('SIGHUP', handler)
}
