import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { ActionableError } from './progress.ts'

/** A port the OS says is free now (for test stacks that must not collide). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Something accepts connections on the port (on 127.0.0.1). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export async function assertPortFree(port: number, setting: string): Promise<void> {
  if (await portInUse(port))
    throw new ActionableError(
      `Port ${port} is already in use. Is another Caseway stack running? Stop it, or choose another port with ${setting}=<port>.`,
    )
}

/** Polls `check` until it answers true; `signal` gives up at once (rejecting with its reason). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    signal?.throwIfAborted()
    if (await check().catch(() => false)) return
    await sleep(250, undefined, { signal })
  }
  throw new ActionableError(`${what} did not come up within ${Math.round(timeoutMs / 1000)}s`)
}
