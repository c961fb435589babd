// PRNG: sfc32 (128-bit state), its state set from (seed, user index) so every user's data depends
// on nothing else, and distinct users never share a stream. Also the random ids built on it.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(list: readonly T[]): T
}

/** A seeded sfc32 generator over the given 32-bit words. */
export function createRng(...words: number[]): Rng {
  let a = (words[0] ?? 0) | 0
  let b = (words[1] ?? 0) | 0
  let c = (words[2] ?? 0) | 0
  let d = 1
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next()
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
  }
}

/** A seed as 32 bits: integers as they are, anything else by FNV-1a of its text. */
export function seedWord(seed: number | string): number {
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return seed >>> 0
  let hash = 0x811c9dc5
  for (const char of String(seed)) {
    hash ^= char.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The stream of one user: the index as two words keeps every user's stream distinct, whatever the count. */
export function userRng(seedBits: number, index: number): Rng {
  return createRng(seedBits, index >>> 0, Math.floor(index / 4294967296))
}

export function hex(rng: Rng, digits: number): string {
  let text = ''
  while (text.length < digits)
    text += Math.floor(rng.next() * 4294967296)
      .toString(16)
      .padStart(8, '0')
  return text.slice(0, digits)
}

const MASK_48 = (1n << 48n) - 1n
const ODD_48 = 0x9e3779b97f4bn // odd, so multiplying by it permutes the 48-bit numbers

/** A version-4 UUID whose last 12 hex digits are a permutation of `tag`: unique by construction, random-looking. */
export function uuid(rng: Rng, tag: number): string {
  const r = hex(rng, 18)
  const variant = rng.pick(['8', '9', 'a', 'b'])
  const node = (BigInt(tag) * ODD_48) & MASK_48
  return `${r.slice(0, 8)}-${r.slice(8, 12)}-4${r.slice(12, 15)}-${variant}${r.slice(15, 18)}-${node.toString(16).padStart(12, '0')}`
}

export function shuffled<T>(rng: Rng, list: readonly T[]): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    const swap = out[i] as T
    out[i] = out[j] as T
    out[j] = swap
  }
  return out
}
