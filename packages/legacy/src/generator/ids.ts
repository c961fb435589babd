// Random-looking ids that are unique by construction: the random part comes from the user's
// stream, the uniqueness from a tag (the user index and the item's number) permuted into the id.
import type { Rng } from '@f1/race-sim/random'

/** `digits` hex digits, 32 bits per draw. */
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
