/**
 * What every loader and action receives as `context`, built once per request by
 * web/server/main.ts (getLoadContext): the services' context, the page's CSP
 * nonce and the client's address. Tests call loaders and actions directly with
 * an object of this shape.
 */
import type { ServiceContext } from '../../services/context.ts'

export type CasewayContext = ServiceContext & {
  /** Per-request nonce for the Content-Security-Policy; absent in direct calls from tests. */
  cspNonce?: string
  /** The client's IP address (Express's req.ip, which TRUST_PROXY governs); absent in direct calls from tests. */
  clientAddress?: string
}

// AppLoadContext is declared in server-runtime and re-exported by @remix-run/node.
declare module '@remix-run/server-runtime' {
  // An interface, because module augmentation merges only interfaces.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends CasewayContext {}
}
