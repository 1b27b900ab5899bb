/** Human-facing progress lines for slow steps of the stack and test scripts. */
export async function step<T>(title: string, run: (report: (detail: string) => void) => Promise<T>): Promise<T> {
  const started = Date.now()
  console.log(`▸ ${title}…`)
  const report = (detail: string) => console.log(`  ${detail}`)
  try {
    const result = await run(report)
    console.log(`✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`)
    return result
  } catch (error) {
    // A step cut short by a shutdown did not fail: the shutdown says what happens.
    if (!isAbort(error)) console.error(`✗ ${title} failed`)
    throw error
  }
}

/** An error whose message already says what to do next: printed without a stack. */
export class ActionableError extends Error {
  override name = 'ActionableError'
}

/** What an aborted signal rejects with (AbortSignal's default reason, and child_process's). */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError'
}

/**
 * Settles as `work` does, or rejects as soon as `signal` aborts: for in-process
 * work a shutdown need not wait for (it starts no process that could be left behind).
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason)
    if (signal.aborted) abort()
    signal.addEventListener('abort', abort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}
