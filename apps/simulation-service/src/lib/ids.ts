// Simulation ids: ULIDs (48-bit millisecond time + 80 random bits, Crockford base32, 26 characters),
// so ids sort by creation time as strings. Ids made in the same millisecond count up from the last.
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const RANDOM_BYTES = 10

function encodeTime(ms: number): string {
  let out = ''
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32]! + out
    ms = Math.floor(ms / 32)
  }
  return out
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits are exactly 16 base32 digits, read 5 bits at a time from the most significant end.
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(buffer >> bits) & 31]!
    }
    buffer &= (1 << bits) - 1
  }
  return out
}

/** Adds one to a big-endian number in place; false when it wraps (2^80 ids in one millisecond). */
function increment(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 255) {
      bytes[i] = bytes[i]! + 1
      return true
    }
    bytes[i] = 0
  }
  return false
}

/** A ULID generator, monotonic within this process: a later call never returns a smaller id. */
export function createIdGenerator(random: (size: number) => Uint8Array = randomBytes): (at: Date) => string {
  let lastMs = -1
  let last = new Uint8Array(RANDOM_BYTES)
  return (at) => {
    let ms = at.getTime()
    if (ms <= lastMs && increment(last)) ms = lastMs
    else {
      if (ms <= lastMs) ms = lastMs + 1
      last = Uint8Array.from(random(RANDOM_BYTES))
    }
    lastMs = ms
    return encodeTime(ms) + encodeRandom(last)
  }
}
