import { spawn, type ChildProcess } from 'node:child_process'

export interface Supervised {
  name: string
  /** The current process id (it changes when the service is restarted). */
  readonly pid: number | undefined
  stop(): Promise<void>
}

/**
 * Runs a long-lived service (worker, web) and restarts it if it dies on its own
 * (a crash, or `kill -9` while trying durability by hand), so the stack stays up.
 * Its output goes straight to ours: on a terminal its logs are short and pretty,
 * otherwise JSON lines (lib/log.ts decides, from what its stdout is).
 */
export function supervise(options: {
  name: string
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  cwd: string
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void
}): Supervised {
  let child: ChildProcess | undefined
  let stopping = false
  let restarts = 0
  let startedAt = 0

  const start = () => {
    startedAt = Date.now()
    child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('exit', (code, signal) => {
      options.onExit?.(code, signal)
      if (stopping) return
      // A service that keeps dying straight after start has a real problem: back off.
      restarts = Date.now() - startedAt > 30_000 ? 0 : restarts + 1
      const delay = Math.min(30_000, 500 * 2 ** restarts)
      console.error(`✗ ${options.name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s`)
      setTimeout(() => !stopping && start(), delay).unref()
    })
  }
  start()

  return {
    name: options.name,
    get pid() {
      return child?.pid
    },
    async stop() {
      stopping = true
      const current = child
      if (!current || current.exitCode !== null || current.signalCode !== null) return
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
      current.kill('SIGTERM')
      const timeout = setTimeout(() => current.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timeout)
    },
  }
}
