import { readFile } from 'node:fs/promises'
import type { Client, Connection, ConnectionOptions } from '@temporalio/client'
// CommonJS: its namespaces are only reachable through the default export under Node's ESM.
import proto from '@temporalio/proto'
import type { Env } from './env.ts'

/**
 * Connection options shared by the web's client and the worker: a local dev
 * server by default, a hosted cluster with TLS or an API key by configuration.
 */
/** What both the client's Connection and the worker's NativeConnection accept. */
export type TemporalConnectionOptions = Pick<ConnectionOptions, 'address' | 'tls' | 'metadata'> & { apiKey?: string }

export async function temporalConnectionOptions(env: Env): Promise<TemporalConnectionOptions> {
  const wantsTls = env.TEMPORAL_TLS || Boolean(env.TEMPORAL_TLS_CERT_PATH) || Boolean(env.TEMPORAL_API_KEY)
  const clientCertPair =
    env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
      ? { crt: await readFile(env.TEMPORAL_TLS_CERT_PATH), key: await readFile(env.TEMPORAL_TLS_KEY_PATH) }
      : undefined
  return {
    address: env.temporalAddress,
    tls: wantsTls ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME, clientCertPair } : undefined,
    apiKey: env.TEMPORAL_API_KEY,
    metadata: env.TEMPORAL_API_KEY ? { 'temporal-namespace': env.TEMPORAL_NAMESPACE } : undefined,
  }
}

/** The Temporal UI page of one workflow, for admins' "Inspect workflow" links. */
export function workflowUiUrl(env: Env, workflowId: string): string {
  return `${env.temporalUiUrl}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`
}

export interface Poller {
  /** The SDK's default is `<pid>@<host>`. */
  identity: string
  lastPolledAt: Date
}

/**
 * The workers Temporal has seen polling the ticket task queue for workflow tasks
 * (DescribeTaskQueue), each with when it last asked. Temporal keeps a worker
 * listed for minutes after it stopped: callers judge by `lastPolledAt`.
 */
export async function workflowPollers(connection: Pick<Connection, 'workflowService'>, env: Env): Promise<Poller[]> {
  const { pollers } = await connection.workflowService.describeTaskQueue({
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: { name: env.TEMPORAL_TASK_QUEUE },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  })
  return (pollers ?? []).map((poller) => ({
    identity: poller.identity ?? '',
    lastPolledAt: new Date(Number(poller.lastAccessTime?.seconds ?? 0) * 1000 + Math.floor((poller.lastAccessTime?.nanos ?? 0) / 1e6)),
  }))
}

/** Sending an update and waiting for its result (the workflow saves before answering). */
export const TEMPORAL_COMMAND_TIMEOUT_MS = 10_000

/** Our own bound on a Temporal call ran out (see withDeadline). */
export class TemporalTimeoutError extends Error {
  override name = 'TemporalTimeoutError'
  constructor(timeoutMs: number) {
    super(`Temporal did not answer within ${timeoutMs} ms`)
  }
}

/**
 * Runs `call` with a gRPC deadline and a hard stop: the client retries an
 * unreachable server with backoff, which can outlast the deadline, so after
 * `timeoutMs` the call is also aborted and this rejects with TemporalTimeoutError.
 */
export async function withDeadline<T>(temporal: Client, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new TemporalTimeoutError(timeoutMs))
    }, timeoutMs)
  })
  try {
    return await Promise.race([
      temporal.withAbortSignal(controller.signal, () => temporal.withDeadline(Date.now() + timeoutMs, call)),
      stop,
    ])
  } finally {
    clearTimeout(timer)
  }
}
