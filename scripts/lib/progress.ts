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
    console.error(`✗ ${title} failed`)
    throw error
  }
}

/** An error whose message already says what to do next: printed without a stack. */
export class ActionableError extends Error {
  override name = 'ActionableError'
}
