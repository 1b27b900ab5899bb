import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { ActionableError } from './progress.ts'

/** A service that ran this long before it died starts its backoff again. */
const STEADY_AFTER_MS = 30_000
const MAX_RESTART_DELAY_MS = 30_000

export interface ServiceSpec {
  /** As the log lines name it: "PostgreSQL", "worker". */
  name: string
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Run as another user (PostgreSQL refuses to run as root). */
  uid?: number
  gid?: number
  /**
   * Keep its output to ourselves, to explain a failed start, instead of passing it
   * through (the worker's and the web server's logs are the stack's own).
   */
  quiet?: boolean
  /**
   * Resolves once a process just started serves. `signal` aborts if that process
   * exits or the service is stopped meanwhile; a rejection gives up on the process.
   */
  ready(child: ChildProcess, signal: AbortSignal): Promise<void>
  /** What asks it to stop cleanly (default SIGTERM); SIGKILL follows after `stopGraceMs`. */
  stopSignal?: NodeJS.Signals
  stopGraceMs?: number
}

export interface Supervised {
  name: string
  /** The current process id (it changes when the service is restarted). */
  readonly pid: number | undefined
  /** The first start: resolves once it serves, rejects (the process gone) if it does not. */
  readonly started: Promise<void>
  /** Stops it for good: no restart after this, whatever state it is in. */
  stop(): Promise<void>
}

interface Run {
  child: ChildProcess
  /** How it ended ("SIGKILL", "code 1"), once it has. */
  ended?: string
  exited: Promise<string>
  /** The end of its stderr, for a quiet service. */
  stderr: string
}

/** Every supervised process alive, with the signal that stops it. */
const alive = new Map<ChildProcess, NodeJS.Signals>()
let exitHookInstalled = false

/**
 * Services run in process groups of their own, so a Ctrl-C at the terminal reaches
 * only their supervisor, which stops them in order (a migration is never cut short
 * by PostgreSQL stopping under it). A process that exits without stopping them (a
 * test runner's process.exit on Ctrl-C) still asks each to stop on its way out.
 */
function installExitHook() {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const [child, signal] of alive) child.kill(signal)
  })
}

function launch(spec: ServiceSpec): Run {
  installExitHook()
  const options: SpawnOptions = {
    env: spec.env,
    cwd: spec.cwd,
    uid: spec.uid,
    gid: spec.gid,
    detached: true,
    stdio: spec.quiet ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'inherit', 'inherit'],
  }
  const child = spawn(spec.command, spec.args, options)
  const run: Run = { child, exited: Promise.resolve(''), stderr: '' }
  child.stderr?.on('data', (chunk: Buffer) => (run.stderr = (run.stderr + chunk.toString()).slice(-4000)))
  alive.set(child, spec.stopSignal ?? 'SIGTERM')
  run.exited = new Promise((resolve) => {
    const end = (how: string) => {
      if (run.ended !== undefined) return
      run.ended = how
      alive.delete(child)
      resolve(how)
    }
    child.once('exit', (code, signal) => end(signal ?? `code ${code}`))
    // Only a failed spawn matters here: then there may be no 'exit' at all.
    child.once('error', (error) => child.pid === undefined && end(error.message))
  })
  return run
}

/**
 * Runs a long-lived service (PostgreSQL, the Temporal dev server, the worker, the
 * web server) and, once it has served, restarts it whenever it dies on its own (a
 * crash, or `kill -9` while trying durability by hand): same command, so the same
 * data and ports, with a growing delay while it keeps failing, and one line each
 * time it goes and comes back.
 */
export function supervise(spec: ServiceSpec): Supervised {
  const stopping = new AbortController()
  let current: Run | undefined
  let stopped: Promise<void> | undefined

  /** One process, until it serves; if it does not, it is killed and this rejects. */
  const startOne = async (): Promise<Run> => {
    stopping.signal.throwIfAborted()
    const run = launch(spec)
    current = run
    const exited = new AbortController()
    void run.exited.then((how) => exited.abort(new Error(`${spec.name} exited (${how})`)))
    try {
      await spec.ready(run.child, AbortSignal.any([stopping.signal, exited.signal]))
      if (run.ended !== undefined) throw new Error(`exited (${run.ended})`)
      return run
    } catch (error) {
      // stop() is already stopping it; otherwise it is of no use.
      if (!stopping.signal.aborted) run.child.kill('SIGKILL')
      await run.exited
      if (stopping.signal.aborted) throw stopping.signal.reason
      if (error instanceof ActionableError && !exited.signal.aborted) throw error
      const output = run.stderr.trim() ? `:\n${run.stderr.trim()}` : spec.quiet ? '' : ' (its log is above)'
      throw new ActionableError(`${spec.name} exited while starting (${run.ended})${output}`)
    }
  }

  const keepRunning = async (first: Run) => {
    let run = first
    let servingSince = Date.now()
    let failures = 0
    for (;;) {
      let reason = `exited (${await run.exited})`
      if (stopping.signal.aborted) return
      const downAt = Date.now()
      failures = downAt - servingSince > STEADY_AFTER_MS ? 1 : failures + 1
      for (;;) {
        const delay = Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** failures)
        console.error(`✗ ${spec.name} ${reason}; restarting in ${delay / 1000}s`)
        const waited = await sleep(delay, true, { signal: stopping.signal }).catch(() => false)
        if (!waited) return
        try {
          run = await startOne()
          servingSince = Date.now()
          console.error(`✓ ${spec.name} is back (${((servingSince - downAt) / 1000).toFixed(1)}s after it stopped)`)
          break
        } catch (error) {
          if (stopping.signal.aborted) return
          failures++
          reason = `did not start again (${summary(error)})`
        }
      }
    }
  }

  const started = startOne()
  void started.then(keepRunning, () => undefined)
  const firstStart = started.then(() => undefined)
  // Whoever started it hears of a failed first start by awaiting `started`.
  firstStart.catch(() => undefined)

  return {
    name: spec.name,
    get pid() {
      return current?.ended === undefined ? current?.child.pid : undefined
    },
    started: firstStart,
    stop() {
      stopped ??= (async () => {
        stopping.abort()
        const run = current
        if (!run || run.ended !== undefined) return
        run.child.kill(spec.stopSignal ?? 'SIGTERM')
        const force = setTimeout(() => run.child.kill('SIGKILL'), spec.stopGraceMs ?? 15_000)
        await run.exited
        clearTimeout(force)
      })()
      return stopped
    },
  }
}

/** An error in one line: its first, and the last line of the output it quotes. */
function summary(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').filter((line) => line.trim())
  return lines.length > 1 ? `${lines[0]} … ${lines.at(-1)!.trim()}` : (lines[0] ?? 'unknown error')
}

/**
 * Supervises a service and waits for its first start. If that fails, or `signal`
 * aborts first (a shutdown), the service is stopped before this rejects: nothing
 * started is left behind.
 */
export async function startSupervised(spec: ServiceSpec, signal?: AbortSignal): Promise<Supervised> {
  const service = supervise(spec)
  const stop = () => void service.stop()
  signal?.addEventListener('abort', stop, { once: true })
  try {
    await service.started
    signal?.throwIfAborted()
    return service
  } catch (error) {
    await service.stop()
    throw signal?.aborted ? signal.reason : error
  } finally {
    signal?.removeEventListener('abort', stop)
  }
}
