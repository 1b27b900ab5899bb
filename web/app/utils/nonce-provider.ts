/** The request's CSP nonce, handed from entry.server.tsx to root.tsx's scripts. */
import { createContext, useContext } from 'react'

const NonceContext = createContext<string>('')

export const NonceProvider = NonceContext.Provider

export function useNonce(): string {
  return useContext(NonceContext)
}
