// The project's one seeded PRNG, for race-sim's Monte Carlo and the legacy data generator alike: it
// gives the same numbers on every machine (xoshiro128** on 32-bit integer arithmetic: Math.imul,
// shifts; seeded through splitmix32). Math.random is never used.
//
// It lives here, exported as `@f1/race-sim/random`: a Monte Carlo study is promised the same result
// for the same seed (the API takes a seed and stores it with the study), so race-sim's algorithm is
// the one that stays, while nothing pins the generator's made-up data. @f1/legacy depends on
// race-sim for it, which makes no cycle (race-sim depends on @f1/contracts and @f1/service-kit,
// neither of them on legacy). @f1/contracts, which both already depend on, holds the services' wire
// schemas: a PRNG is no contract.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Standard normal. */
  gauss(): number
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(list: readonly T[]): T
}

/** A seed as 32 bits: integers as they are (modulo 2^32), anything else by FNV-1a of its text. */
export function seedWord(seed: number | string): number {
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return seed >>> 0
  let hash = 0x811c9dc5
  for (const char of String(seed)) {
    hash ^= char.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The golden-ratio step of splitmix32's state. */
const SPLITMIX_STEP = 0x9e3779b9

/** splitmix32's output for a state already stepped (as an unsigned word). */
function splitmixMix(state: number): number {
  let z = state
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/** A generator that can be set to another stream in place, so a run's streams cost no allocation. */
export interface SeedableRng extends Rng {
  /** Restarts the generator on stream (seed, stream), as `createRng(seed, stream)` would start. */
  reseed(seed: number | string, stream?: number): void
}

/**
 * xoshiro128**. Its four words live in an Int32Array: every operation on them is 32-bit integer
 * arithmetic anyway, and a typed array holds them unboxed (in closure variables or object fields
 * most words would not fit a small integer, so each step would allocate numbers). A Monte Carlo
 * race draws a few thousand numbers, so this matters.
 */
class Xoshiro128 implements SeedableRng {
  private readonly s = new Int32Array(4)
  /** The second normal of the last polar-method pair, NaN when used. */
  private spare = NaN

  constructor(seed: number | string, stream: number) {
    this.reseed(seed, stream)
  }

  reseed(seed: number | string, stream = 0): void {
    let state = seedWord(seed) ^ Math.imul(stream + 1, 0x632be5ab)
    const s = this.s
    for (let i = 0; i < 4; i++) {
      state = (state + SPLITMIX_STEP) | 0
      s[i] = splitmixMix(state)
    }
    if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1
    this.spare = NaN
  }

  private nextU32(): number {
    const s = this.s
    const a = s[0]!
    const b = s[1]!
    const c = s[2]! ^ a
    const d = s[3]! ^ b
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9)
    s[0] = a ^ d
    s[1] = b ^ c
    s[2] = c ^ (b << 9)
    s[3] = rotl(d, 11)
    return result >>> 0
  }

  next(): number {
    return this.nextU32() / 4294967296
  }

  // Marsaglia's polar method: only sqrt (exact in IEEE 754) and log.
  gauss(): number {
    const spare = this.spare
    if (spare === spare) {
      this.spare = NaN
      return spare
    }
    let u: number
    let v: number
    let q: number
    do {
      u = 2 * this.next() - 1
      v = 2 * this.next() - 1
      q = u * u + v * v
    } while (q >= 1 || q === 0)
    const f = Math.sqrt((-2 * Math.log(q)) / q)
    this.spare = v * f
    return u * f
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T
  }
}

/**
 * The generator of one stream: a Monte Carlo run, a generated user. Streams derive from
 * (seed, stream index) alone, so a Monte Carlo study gives the same result however its runs are
 * split across workers, and a generated user's data does not depend on how many users there are.
 * Indices are taken modulo 2^32: within that range each gives its own stream.
 */
export function createRng(seed: number | string, stream = 0): SeedableRng {
  return new Xoshiro128(seed, stream)
}

/**
 * A 32-bit word of its own for stream (seed, stream), to seed the streams that stream owns (a Monte
 * Carlo run's per-driver streams): they never overlap the stream's own draws.
 */
export function streamWord(seed: number | string, stream: number): number {
  const state = seedWord(seed) ^ Math.imul(stream + 1, 0x632be5ab) ^ 0x2545f491
  return splitmixMix((state + SPLITMIX_STEP) | 0)
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** Index drawn with the given weights (they need not sum to 1). */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  let total = 0
  for (const w of weights) total += w
  let r = rng.next() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!
    if (r < 0) return i
  }
  // Rounding can leave r at 0 after the last weight: the last index with weight wins.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i
  return 0
}

/** A Fisk (log-logistic) draw by inverting its CDF: loc + scale (u / (1 - u))^(1/c). */
export function fisk(rng: Rng, c: number, loc: number, scale: number): number {
  let u = rng.next()
  while (u === 0) u = rng.next()
  return loc + scale * Math.pow(u / (1 - u), 1 / c)
}
