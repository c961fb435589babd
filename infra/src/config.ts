// The app's context values (`-c key=value`), read and checked once; the stacks take the result.
import type { Node } from 'constructs'
import { CONSUMERS, type Consumer } from '@f1/events/rules'
import { isStage, STAGES, type Stage } from './names.ts'

export interface InfraConfig {
  stage: Stage
  /** Base URL of each consumer app; the bus posts to `<base>/events`. */
  consumerUrls: Record<Consumer, string>
  /** Consumers whose URL is the synth placeholder (allowed in dev only). */
  placeholderConsumers: Consumer[]
  /** Set when the legacy table already exists and is referenced by name instead of created. */
  existingLegacyTableName?: string
}

/** The context key of a consumer's base URL: `action-log-service` -> `actionLogServiceUrl`. */
export function consumerUrlKey(consumer: Consumer): string {
  return `${consumer.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}Url`
}

/** The base URL used for a consumer when its context value is absent (dev synth only). */
export function placeholderUrl(consumer: Consumer, stage: Stage): string {
  // .invalid never resolves (RFC 2606): a dev deploy with placeholders cannot send the bus secret anywhere.
  return `https://${consumer}.${stage}.f1.invalid`
}

function contextString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key)
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string, got ${JSON.stringify(value)}`)
  return value
}

function baseUrl(key: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch (err) {
    throw new Error(`context ${key} is not a URL: ${value}`, { cause: err })
  }
  // API destinations only call HTTPS endpoints.
  if (url.protocol !== 'https:') throw new Error(`context ${key} must be an https:// URL, got ${value}`)
  if (url.search || url.hash) throw new Error(`context ${key} must be a base URL without query or fragment, got ${value}`)
  return url.href.replace(/\/+$/, '')
}

/** Reads stage, consumer URLs and the legacy-table switch from the app's context. */
export function readConfig(node: Node): InfraConfig {
  const stageValue = contextString(node, 'stage') ?? 'dev'
  if (!isStage(stageValue)) throw new Error(`context stage must be one of ${STAGES.join(', ')}, got ${stageValue}`)
  const stage = stageValue

  const consumerUrls = {} as Record<Consumer, string>
  const placeholderConsumers: Consumer[] = []
  for (const consumer of CONSUMERS) {
    const key = consumerUrlKey(consumer)
    const value = contextString(node, key)
    if (value === undefined) {
      if (stage !== 'dev') throw new Error(`context ${key} is required for stage ${stage} (the HTTPS base URL of ${consumer})`)
      placeholderConsumers.push(consumer)
      consumerUrls[consumer] = placeholderUrl(consumer, stage)
    } else {
      consumerUrls[consumer] = baseUrl(key, value)
    }
  }

  const existingLegacyTableName = contextString(node, 'legacyTableName')
  return { stage, consumerUrls, placeholderConsumers, ...(existingLegacyTableName ? { existingLegacyTableName } : {}) }
}
