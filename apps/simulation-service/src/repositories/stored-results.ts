// How a simulation's results fit in a DynamoDB item (400 KB at most, attribute names included):
// as a map while the item stays well under the limit, gzip-compressed JSON in a binary attribute
// above it, and that blob split over part items in the rare case it is still too big.
import { promisify } from 'node:util'
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib'
import type { SimulationResults } from '@f1/contracts/simulation-results'

const gzip = promisify(gzipCb)
const gunzip = promisify(gunzipCb)

/** Item size (DynamoDB's formula) above which results are compressed by default: "near" the 400 KB limit, with room to spare. */
export const COMPRESS_ABOVE_BYTES = 300 * 1024
/** Largest compressed blob kept in the item itself; the other attributes are a few KB at most. */
export const MAX_BLOB_BYTES = 350 * 1024

/** How the results are stored: inline map, one compressed blob, or a blob split over `parts` items. */
export type StoredResults =
  | { kind: 'inline'; results: SimulationResults }
  | { kind: 'gzip'; blob: Uint8Array }
  | { kind: 'parts'; parts: Uint8Array[] }

const utf8 = (s: string) => Buffer.byteLength(s)

/** A number's size: about one byte per two significant digits, plus one. */
function numberSize(n: number): number {
  const digits = String(Math.abs(n)).replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length
  return Math.ceil(Math.max(1, digits) / 2) + 1
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1
  if (typeof value === 'string') return utf8(value)
  if (typeof value === 'number') return numberSize(value)
  if (value instanceof Uint8Array) return value.byteLength
  if (Array.isArray(value)) {
    let size = 3
    for (const element of value) size += 1 + valueSize(element)
    return size
  }
  if (typeof value === 'object') {
    let size = 3
    for (const [key, element] of Object.entries(value)) if (element !== undefined) size += 1 + utf8(key) + valueSize(element)
    return size
  }
  return 0
}

/** The size DynamoDB counts for an item: every attribute's name and value, lists and maps with their overhead. */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0
  for (const [name, value] of Object.entries(item)) if (value !== undefined) size += utf8(name) + valueSize(value)
  return size
}

/**
 * Chooses how to store `results` in an item whose other attributes are `rest`. Compression runs on
 * libuv's thread pool, so a big result does not hold up the event loop.
 */
export async function storeResults(
  rest: Record<string, unknown>,
  results: SimulationResults,
  limits = { compressAbove: COMPRESS_ABOVE_BYTES, maxBlob: MAX_BLOB_BYTES },
): Promise<StoredResults> {
  if (itemSize({ ...rest, results }) <= limits.compressAbove) return { kind: 'inline', results }
  const blob = await gzip(JSON.stringify(results))
  if (blob.byteLength <= limits.maxBlob) return { kind: 'gzip', blob }
  const parts: Uint8Array[] = []
  for (let offset = 0; offset < blob.byteLength; offset += limits.maxBlob) parts.push(blob.subarray(offset, offset + limits.maxBlob))
  return { kind: 'parts', parts }
}

/** The results of a compressed blob (or of its parts, in order): the JSON storeResults wrote. */
export async function readCompressed(blob: Uint8Array | readonly Uint8Array[]): Promise<SimulationResults> {
  const whole = blob instanceof Uint8Array ? blob : Buffer.concat(blob)
  return JSON.parse((await gunzip(whole)).toString('utf8')) as SimulationResults
}
