// Compounds are the engine's absolute codes (A1 hardest .. A7 softest, I, W), not a weekend's
// hard/medium/soft, so they get a fixed ramp: greys for the hard end, warm colours for the soft end,
// and the usual green and blue for intermediates and wets. Bars get a dark outline so pale greys show.
export const COMPOUND_COLOURS: Record<string, string> = {
  A1: '#3d3d3d',
  A2: '#7a7a7a',
  A3: '#d0d0d0',
  A4: '#f5c400',
  A5: '#f08a24',
  A6: '#e10600',
  A7: '#a3238e',
  I: '#2ca02c',
  W: '#1f77b4',
}

const ORDER = Object.keys(COMPOUND_COLOURS)

/** The colour scale for the compounds a chart shows, hardest first; an unknown code falls back to grey. */
export function compoundScale(compounds: Iterable<string>): { domain: string[]; range: string[] } {
  const rank = (c: string) => {
    const i = ORDER.indexOf(c)
    return i === -1 ? ORDER.length : i
  }
  const domain = [...new Set(compounds)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  return { domain, range: domain.map((c) => COMPOUND_COLOURS[c] ?? '#999999') }
}

/** A1..A7 read as hardest..softest; the label a legend or table shows. */
export function compoundLabel(compound: string): string {
  if (compound === 'I') return 'I (intermediate)'
  if (compound === 'W') return 'W (wet)'
  if (compound === 'A1') return 'A1 (hardest)'
  if (compound === 'A7') return 'A7 (softest)'
  return compound
}
