// The vocabulary of valid values: people's names, email domains, actions, tyre compounds, feature
// aliases and the track names the race-sim catalog resolves.
import type { FeatureName } from '@f1/contracts/common'

export const FIRST_NAMES = [
  'Lewis',
  'Max',
  'Charles',
  'Lando',
  'Oscar',
  'Fernando',
  'George',
  'Carlos',
  'Sergio',
  'Valtteri',
  'Kimi',
  'Nico',
  'Daniel',
  'Pierre',
  'Esteban',
  'Yuki',
]
export const LAST_NAMES = [
  'Hamilton',
  'Verstappen',
  'Leclerc',
  'Norris',
  'Piastri',
  'Alonso',
  'Russell',
  'Sainz',
  'Perez',
  'Bottas',
  'Raikkonen',
  'Hulkenberg',
  'Ricciardo',
  'Gasly',
  'Ocon',
  'Tsunoda',
]
export const DOMAINS = ['example.com', 'mail.test', 'pitwall.example', 'racing.test']
export const ACTIONS = [
  'login',
  'logout',
  'run_simulation',
  'run_monte_carlo',
  'compare_strategies',
  'view_results',
  'export_results',
  'change_plan',
]
export const USER_AGENTS = ['Mozilla/5.0', 'curl/8.4.0', 'F1Sim-iOS/2.3']
/** The dry compounds first: strategies use only those. */
export const COMPOUNDS = ['soft', 'medium', 'hard', 'intermediate', 'wet']
export const DRY_COMPOUNDS = COMPOUNDS.slice(0, 3)
export const FEATURE_ALIASES: Readonly<Record<FeatureName, readonly string[]>> = {
  simulation_run: ['simulations', 'sim'],
  monte_carlo_run: ['mc'],
  strategy_compare: [],
  api_request: [],
}

/** Track names the generator writes, with the catalog id each should resolve to (packages/race-sim's ids). */
export const GENERATOR_TRACKS: ReadonlyArray<{ trackId: string; names: readonly string[] }> = [
  { trackId: 'monza', names: ['Monza', 'Autodromo Nazionale Monza', 'monza', 'MONZA', 'Italian Grand Prix'] },
  { trackId: 'shanghai', names: ['Shanghai International Circuit', 'China', 'Shanghai', 'shanghai'] },
  { trackId: 'sakhir', names: ['Bahrain', 'Bahrain International Circuit', 'Sakhir', 'bahrain'] },
  { trackId: 'silverstone', names: ['Silverstone', 'Silverstone Circuit', 'British Grand Prix'] },
  { trackId: 'spa', names: ['Spa-Francorchamps', 'Circuit de Spa-Francorchamps', 'spa'] },
]

/** Track names no catalog knows (the unknownTrack defect). */
export const GENERATOR_UNKNOWN_TRACKS: readonly string[] = [
  'Springfield Speedway',
  'Test Track 7',
  'My Custom Circuit',
  'Atlantis Street Circuit',
]
