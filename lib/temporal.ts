import { readFile } from 'node:fs/promises'
import type { ConnectionOptions } from '@temporalio/client'
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
