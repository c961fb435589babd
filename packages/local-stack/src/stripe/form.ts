// Stripe's request encoding: application/x-www-form-urlencoded with bracketed keys, as stripe-node
// writes it (`metadata[user_id]=u1`, `line_items[0][price]=price_1`), read back into nested values.

export type FormValue = string | FormValue[] | { [key: string]: FormValue }
export type FormParams = { [key: string]: FormValue }

const SEGMENTS = /^[^[\]]+|\[[^[\]]*\]/g

/** Nested params from a form body or query string; keys that are all indices become arrays. */
export function parseStripeForm(body: string): FormParams {
  const root: Record<string, unknown> = {}
  for (const [key, value] of new URLSearchParams(body)) {
    const path = (key.match(SEGMENTS) ?? [key]).map((s) => (s.startsWith('[') ? s.slice(1, -1) : s))
    let node: Record<string, unknown> = root
    path.forEach((segment, i) => {
      // `expand[]=a&expand[]=b`: an empty index appends.
      const name = segment === '' ? String(Object.keys(node).length) : segment
      if (i === path.length - 1) node[name] = value
      else {
        const next = node[name]
        node = (typeof next === 'object' && next !== null ? next : (node[name] = {})) as Record<string, unknown>
      }
    })
  }
  return toArrays(root) as FormParams
}

function toArrays(node: unknown): FormValue {
  if (typeof node !== 'object' || node === null) return node as string
  const entries = Object.entries(node as Record<string, unknown>)
  const converted = entries.map(([k, v]) => [k, toArrays(v)] as const)
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return converted.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v)
  }
  return Object.fromEntries(converted)
}

/** A stable text of params, to tell a replay of an idempotency key from another request under it. */
export function canonicalParams(value: FormValue | undefined): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalParams(value[k])}`)
    .join(',')}}`
}
