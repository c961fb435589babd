// A tiny offline model of what a relay pipe does to stream records: its filter (event-pattern
// matching for exact values and `exists`), its enrichment (Amazon States Language: an inline Map of
// a Pass state whose Parameters use JSONPath and States.StringToJson), and its bus target (dynamic
// paths and an input template of one path). Anything else it throws on, so a definition cannot
// use a feature the tests do not model and still pass.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** What the pipe puts on the bus for one record, as a PutEvents entry with its detail parsed. */
export interface PutEvent {
  Source: string
  DetailType: string
  Time: string
  Detail: Json
}

/** Thrown where Step Functions would fail the execution (States.Runtime and friends). */
export class StatesError extends Error {
  readonly error: string
  constructor(error: string, message: string) {
    super(`${error}: ${message}`)
    this.error = error
  }
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function only(object: Record<string, unknown>, allowed: string[], where: string): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) throw new Error(`${where}: ${key} is not modelled`)
}

/** `$` or `$.a.b-c.d` (the dotted subset Pipes and Step Functions share); undefined when absent. */
export function readPath(value: Json, path: string): Json | undefined {
  if (!/^\$(\.[\w-]+)*$/.test(path)) throw new Error(`path ${path} is not modelled`)
  let current: Json | undefined = value
  for (const segment of path.split('.').slice(1)) current = isObject(current) ? current[segment] : undefined
  return current
}

// ---- filter -------------------------------------------------------------------------------------

function leafMatches(rule: Json, value: Json | undefined): boolean {
  if (isObject(rule)) {
    only(rule, ['exists'], 'pattern rule')
    const present = value !== undefined && !isObject(value)
    return rule.exists === present
  }
  if (typeof rule !== 'string') throw new Error(`pattern rule ${JSON.stringify(rule)} is not modelled`)
  return value === rule
}

/** Whether an event pattern (exact strings and `exists`) matches a record. */
export function matchesPattern(pattern: Json, record: Json | undefined): boolean {
  if (!isObject(pattern)) throw new Error('a pattern is an object')
  return Object.entries(pattern).every(([key, rules]) => {
    const value = isObject(record) ? record[key] : undefined
    if (Array.isArray(rules)) return rules.some((rule) => leafMatches(rule, value))
    return matchesPattern(rules, value)
  })
}

// ---- enrichment ---------------------------------------------------------------------------------

function evaluateParameter(expression: string, input: Json): Json {
  const intrinsic = /^States\.StringToJson\((\$[^)]*)\)$/.exec(expression)
  if (intrinsic) {
    const text = readPath(input, intrinsic[1]!)
    if (typeof text !== 'string') throw new StatesError('States.Runtime', `${intrinsic[1]} is not a string`)
    try {
      return JSON.parse(text) as Json
    } catch (err) {
      throw new StatesError('States.Runtime', `${intrinsic[1]} is not JSON: ${(err as Error).message}`)
    }
  }
  if (expression.startsWith('States.')) throw new Error(`intrinsic ${expression} is not modelled`)
  const value = readPath(input, expression)
  if (value === undefined) throw new StatesError('States.Runtime', `${expression} is not in the input`)
  return value
}

function applyParameters(parameters: Json, input: Json): Json {
  if (!isObject(parameters)) return parameters
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string') throw new Error(`${key} must be a path or an intrinsic`)
      out[key.slice(0, -2)] = evaluateParameter(value, input)
    } else {
      out[key] = applyParameters(value, input)
    }
  }
  return out
}

function runState(name: string, state: Json, input: Json): Json {
  if (!isObject(state)) throw new Error(`state ${name} is not an object`)
  if (state.End !== true) throw new Error(`state ${name}: only End states are modelled`)
  switch (state.Type) {
    case 'Pass':
      only(state, ['Type', 'Parameters', 'End', 'Comment'], `Pass ${name}`)
      return state.Parameters === undefined ? input : applyParameters(state.Parameters, input)
    case 'Map': {
      only(state, ['Type', 'ItemProcessor', 'End', 'Comment'], `Map ${name}`)
      const processor = state.ItemProcessor
      if (!isObject(processor)) throw new Error(`Map ${name} has no ItemProcessor`)
      only(processor, ['ProcessorConfig', 'StartAt', 'States'], `Map ${name} ItemProcessor`)
      if (!isObject(processor.ProcessorConfig) || processor.ProcessorConfig.Mode !== 'INLINE') throw new Error(`Map ${name} must be INLINE`)
      if (!Array.isArray(input)) throw new StatesError('States.Runtime', `Map ${name} needs an array input`)
      return input.map((item) => runStates(processor, item))
    }
    default:
      throw new Error(`state type ${String(state.Type)} is not modelled`)
  }
}

function runStates(machine: Record<string, Json>, input: Json): Json {
  if (typeof machine.StartAt !== 'string' || !isObject(machine.States)) throw new Error('no StartAt or States')
  const state = machine.States[machine.StartAt]
  if (state === undefined) throw new Error(`no state ${machine.StartAt}`)
  return runState(machine.StartAt, state, input)
}

/** Runs a state machine definition (the modelled subset) on an input, as an Express execution would. */
export function runMachine(definition: Json, input: Json): Json {
  if (!isObject(definition)) throw new Error('not a definition')
  only(definition, ['Comment', 'StartAt', 'States'], 'definition')
  return runStates(definition, input)
}

// ---- target -------------------------------------------------------------------------------------

export interface BusTargetTemplate {
  InputTemplate: string
  EventBridgeEventBusParameters: { Source: string; DetailType: string; Time: string }
}

function dynamicString(event: Json, path: string, field: string): string {
  const value = readPath(event, path)
  if (typeof value !== 'string') throw new Error(`${field} ${path} is not a string in ${JSON.stringify(event)}`)
  return value
}

/** The event the bus target puts for one enrichment result. */
export function applyBusTarget(target: BusTargetTemplate, event: Json): PutEvent {
  const template = /^<(\$[^>]*)>$/.exec(target.InputTemplate)
  if (!template) throw new Error(`input template ${target.InputTemplate} is not modelled`)
  const detail = readPath(event, template[1]!)
  if (!isObject(detail)) throw new Error(`the detail must be an object, got ${JSON.stringify(detail)}`)
  const parameters = target.EventBridgeEventBusParameters
  return {
    Source: dynamicString(event, parameters.Source, 'Source'),
    DetailType: dynamicString(event, parameters.DetailType, 'DetailType'),
    Time: dynamicString(event, parameters.Time, 'Time'),
    Detail: detail,
  }
}

// ---- the whole pipe -----------------------------------------------------------------------------

export interface PipeModel {
  patterns: Json[]
  definition: Json
  target: BusTargetTemplate
}

/** A batch of stream records through the pipe: filtered, enriched in one execution, then put. */
export function runPipe(pipe: PipeModel, records: Json[]): PutEvent[] {
  const kept = records.filter((record) => pipe.patterns.some((pattern) => matchesPattern(pattern, record)))
  if (kept.length === 0) return []
  const results = runMachine(pipe.definition, kept)
  if (!Array.isArray(results)) throw new Error('the enrichment must answer an array (one result per record)')
  return results.map((result) => applyBusTarget(pipe.target, result))
}
