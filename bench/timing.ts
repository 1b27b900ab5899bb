/** Timing for the database benchmarks: a warm-up run, then `rounds` timed runs, as p50 and p95 in milliseconds. */
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export async function time(rounds: number, run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run()
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    await run()
    samples.push(performance.now() - start)
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) }
}
