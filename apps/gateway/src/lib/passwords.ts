// Password hashing with node's scrypt; the parameters travel with each hash so they can grow later.
// scrypt runs on libuv's thread pool (4 threads), which DNS lookups and file I/O share: a flood of
// logins must never occupy all of it, so hashes are computed a few at a time behind a bounded line.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import pLimit from 'p-limit'
import { withExtras } from '@f1/service-kit/errors'
import { AuthBusyError } from '../errors.ts'

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))))

// OWASP's scrypt baseline (N=2^17 is stronger but ~8x slower per login on these 2 cores).
const PARAMS = { N: 16_384, r: 8, p: 1 }
const KEY_LENGTH = 64
const MAX_MEM = 64 * 1024 * 1024
// A full line drains in about a second at the default bound; a client waits a little longer.
const BUSY_RETRY_AFTER_S = 2

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...PARAMS, maxmem: MAX_MEM })
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

/** True when the password matches the stored hash; false for any malformed hash. */
async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEM,
  })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

// Verified against when the email is unknown, so a miss costs as long as a wrong password.
export const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(KEY_LENGTH).toString('base64')

export interface PasswordHasher {
  /**
   * Runs a sign-in (its lookup and its hashing) when the line has room, else throws AuthBusyError at
   * once: at most `concurrency + maxQueue` sign-ins are in progress, so a flood never reaches the
   * database either.
   */
  admit<T>(signIn: () => Promise<T>): Promise<T>
  /** Hashing, at most `concurrency` at once. */
  hash(password: string): Promise<string>
  verify(password: string, stored: string): Promise<boolean>
}

/**
 * Password hashing with at most `concurrency` scrypt computations at once, behind a waiting line of
 * at most `maxQueue` sign-ins; past that, AuthBusyError (503 AUTH_BUSY with Retry-After).
 */
export function createPasswordHasher(options: { concurrency: number; maxQueue: number }): PasswordHasher {
  const hashing = pLimit(options.concurrency)
  let inProgress = 0
  return {
    async admit(signIn) {
      if (inProgress >= options.concurrency + options.maxQueue) {
        throw withExtras(new AuthBusyError(), { headers: { 'retry-after': String(BUSY_RETRY_AFTER_S) } })
      }
      inProgress += 1
      try {
        return await signIn()
      } finally {
        inProgress -= 1
      }
    },
    hash: (password) => hashing(() => hashPassword(password)),
    verify: (password, stored) => hashing(() => verifyPassword(password, stored)),
  }
}
