import net from 'node:net'
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

export async function assertPortFree(port: number, setting: string): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
  if (inUse)
    throw new ActionableError(
      `Port ${port} is already in use. Is another Caseway stack running? Stop it, or choose another port with ${setting}=<port>.`,
    )
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new ActionableError(`${what} did not come up within ${Math.round(timeoutMs / 1000)}s`)
}
