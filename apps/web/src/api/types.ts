// Names for the gateway's bodies, taken from the generated schema (one source: the OpenAPI document).
import type { paths } from './schema'

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: infer R } }
  ? Json<R>
  : paths[P][M] extends { responses: { 201: infer R } }
    ? Json<R>
    : never
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never

export type Session = Ok<'/api/auth/session', 'get'>
export type Me = Ok<'/api/users/me', 'get'>
export type UsageSummary = Ok<'/api/users/usage', 'get'>
export type Subscription = Ok<'/api/users/subscription', 'get'>
export type Track = Ok<'/api/tracks', 'get'>['tracks'][number]
export type Simulation = Ok<'/api/simulations/{simulationId}', 'get'>
export type SimulationPage = Ok<'/api/simulations', 'get'>
export type SimulationRequest = Body<'/api/simulations', 'post'>
export type SimulationResults = NonNullable<Simulation['results']>
export type OptimizeRequest = Body<'/api/strategies/optimize', 'post'>
export type ActionPage = Ok<'/api/users/actions', 'get'>
export type Stint = SimulationRequest['strategy']['stints'][number]
export type Verification = Ok<'/api/admin/migration/verifications/{id}', 'get'>
