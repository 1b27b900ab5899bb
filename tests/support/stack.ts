import { Client, Connection } from '@temporalio/client'
import { inject } from 'vitest'
import { createDb } from '../../lib/db.ts'

export interface TestStack {
  webUrl: string
  databaseUrl: string
  temporalAddress: string
  temporalUiUrl: string
  namespace: string
  taskQueue: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack
  }
}

/** The running test stack, with a database client and a Temporal client on it. */
export async function connectToStack() {
  const stack = inject('stack')
  const db = createDb(stack.databaseUrl, { max: 4 })
  const connection = await Connection.connect({ address: stack.temporalAddress })
  const temporal = new Client({ connection, namespace: stack.namespace })
  return {
    stack,
    db,
    temporal,
    async close() {
      await db.$disconnect()
      await connection.close()
    },
  }
}
