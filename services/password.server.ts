/**
 * Password hashing for the portal, the CLI and the seed: argon2id with the
 * library's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum for argon2id).
 * The parameters are stored in each PHC string, so raising them later only
 * affects new hashes.
 */
import { hash, verify } from '@node-rs/argon2'

// @node-rs/argon2 declares Algorithm as a const enum, which isolatedModules
// cannot import; 2 is Argon2id (also the library's default).
const ARGON2ID = 2

export async function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID })
}

/** False for a wrong password and for a malformed stored hash, never throws on either. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}
