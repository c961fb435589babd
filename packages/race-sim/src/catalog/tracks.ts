// The tracks of the parameter files, with the names legacy data and users call them by.
// Hand-written: the parameter files only carry the short track name the id derives from.
// Loads no race data, so packages that only map names (packages/legacy) stay light.

export interface Track {
  /** The parameter files' track name in lower case, e.g. `shanghai`. */
  id: string
  /** The track name as the parameter files spell it, e.g. `Shanghai`, `YasMarina`. */
  fileName: string
  /** Display name, e.g. `Shanghai International Circuit`. */
  name: string
  country: string
  city: string
  /** Other names that occur in legacy data: official circuit names, Grand Prix names, short forms. */
  aliases: readonly string[]
}

const t = (fileName: string, name: string, country: string, city: string, aliases: string[]): Track => ({
  id: fileName.toLowerCase(),
  fileName,
  name,
  country,
  city,
  aliases,
})

export const TRACKS: readonly Track[] = [
  t('Austin', 'Circuit of the Americas', 'United States', 'Austin', ['COTA', 'USA', 'US', 'United States Grand Prix', 'US Grand Prix']),
  t('Baku', 'Baku City Circuit', 'Azerbaijan', 'Baku', ['Azerbaijan Grand Prix', 'European Grand Prix']),
  t('Budapest', 'Hungaroring', 'Hungary', 'Budapest', ['Hungarian Grand Prix', 'Mogyorod']),
  t('Catalunya', 'Circuit de Barcelona-Catalunya', 'Spain', 'Barcelona', ['Circuit de Catalunya', 'Spanish Grand Prix', 'Montmelo']),
  t('Hockenheim', 'Hockenheimring', 'Germany', 'Hockenheim', ['German Grand Prix']),
  t('KualaLumpur', 'Sepang International Circuit', 'Malaysia', 'Kuala Lumpur', ['Sepang', 'Malaysian Grand Prix']),
  t('LeCastellet', 'Circuit Paul Ricard', 'France', 'Le Castellet', ['Paul Ricard', 'French Grand Prix']),
  t('Melbourne', 'Albert Park Circuit', 'Australia', 'Melbourne', ['Albert Park', 'Melbourne Grand Prix Circuit', 'Australian Grand Prix']),
  t('MexicoCity', 'Autodromo Hermanos Rodriguez', 'Mexico', 'Mexico City', ['Mexican Grand Prix', 'Mexico City Grand Prix']),
  t('MonteCarlo', 'Circuit de Monaco', 'Monaco', 'Monte Carlo', ['Monaco Grand Prix']),
  t('Montreal', 'Circuit Gilles Villeneuve', 'Canada', 'Montreal', ['Canadian Grand Prix']),
  t('Monza', 'Autodromo Nazionale Monza', 'Italy', 'Monza', ['Autodromo Nazionale di Monza', 'Italian Grand Prix']),
  t('Sakhir', 'Bahrain International Circuit', 'Bahrain', 'Sakhir', ['Bahrain Grand Prix']),
  t('SaoPaulo', 'Autodromo Jose Carlos Pace', 'Brazil', 'Sao Paulo', ['Interlagos', 'Brazilian Grand Prix']),
  t('Shanghai', 'Shanghai International Circuit', 'China', 'Shanghai', ['Chinese Grand Prix']),
  t('Silverstone', 'Silverstone Circuit', 'United Kingdom', 'Silverstone', ['Great Britain', 'Britain', 'UK', 'British Grand Prix']),
  t('Singapore', 'Marina Bay Street Circuit', 'Singapore', 'Singapore', ['Marina Bay', 'Singapore Grand Prix']),
  t('Sochi', 'Sochi Autodrom', 'Russia', 'Sochi', ['Russian Grand Prix']),
  t('Spa', 'Circuit de Spa-Francorchamps', 'Belgium', 'Spa', ['Spa-Francorchamps', 'Belgian Grand Prix']),
  t('Spielberg', 'Red Bull Ring', 'Austria', 'Spielberg', ['Austrian Grand Prix']),
  t('Suzuka', 'Suzuka International Racing Course', 'Japan', 'Suzuka', ['Suzuka Circuit', 'Japanese Grand Prix']),
  t('YasMarina', 'Yas Marina Circuit', 'United Arab Emirates', 'Abu Dhabi', ['UAE', 'Yas Marina', 'Abu Dhabi Grand Prix']),
]

/** Lower case, accents dropped, only letters and digits: `São Paulo`, `sao-paulo` and `SaoPaulo` meet. */
export function normalizeTrackName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

const BY_NAME: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>()
  for (const track of TRACKS) {
    for (const name of [track.id, track.fileName, track.name, track.country, track.city, ...track.aliases]) {
      const key = normalizeTrackName(name)
      const taken = map.get(key)
      if (taken !== undefined && taken !== track.id) throw new Error(`track alias ${name} names both ${taken} and ${track.id}`)
      map.set(key, track.id)
    }
  }
  return map
})()

/** The track id for a free-text track name, id or alias (case- and accent-insensitive), or undefined. */
export function resolveTrackId(name: string): string | undefined {
  return BY_NAME.get(normalizeTrackName(name))
}

/** The track with this id, or undefined. */
export function findTrack(id: string): Track | undefined {
  return TRACKS.find((track) => track.id === id)
}
