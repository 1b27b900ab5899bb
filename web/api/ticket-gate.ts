/**
 * At most a few updates in flight per ticket from this process. Temporal admits
 * only so many unfinished updates per workflow (10 by default,
 * `history.maxInFlightUpdates`) and answers the rest with RESOURCE_EXHAUSTED,
 * which the client retries after a second or more: a burst of messages to one
 * ticket would crawl. Queued here, they go through as fast as the workflow saves.
 */
const IN_FLIGHT_PER_TICKET = 8

interface Gate {
  active: number
  waiting: (() => void)[]
}

const gates = new Map<string, Gate>()

export async function throughTicketGate<T>(ticketId: string, work: () => Promise<T>): Promise<T> {
  let gate = gates.get(ticketId)
  if (!gate) gates.set(ticketId, (gate = { active: 0, waiting: [] }))
  if (gate.active >= IN_FLIGHT_PER_TICKET) await new Promise<void>((resolve) => gate.waiting.push(resolve))
  gate.active++
  try {
    return await work()
  } finally {
    gate.active--
    const next = gate.waiting.shift()
    if (next) next()
    else if (gate.active === 0) gates.delete(ticketId)
  }
}
