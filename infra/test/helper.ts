// Synthesizes the app for a context and reads its templates; renders the ARNs the policies build.
import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { buildPlatformStacks, buildStacks, type BuildOptions, type F1Stacks, type PlatformStacks } from '../src/app.ts'

export interface SynthesizedPlatform {
  stacks: PlatformStacks
  alerts: Template
  data: Template
  events: Template
  relay: Template
  access: Template
}

/** The templates of the data, events, relay and access stacks. */
function platformTemplates<S extends PlatformStacks>(stacks: S) {
  return {
    stacks,
    alerts: Template.fromStack(stacks.alerts),
    data: Template.fromStack(stacks.data),
    events: Template.fromStack(stacks.events),
    relay: Template.fromStack(stacks.relay),
    access: Template.fromStack(stacks.access),
  }
}

/** The data, events, relay and access stacks only (the tests of those: they need no VPC or images). */
export function synthesize(context: Record<string, string> = {}): SynthesizedPlatform {
  return platformTemplates(buildPlatformStacks(new App({ context })))
}

export interface Synthesized extends SynthesizedPlatform {
  stacks: F1Stacks
  network: Template
  loadBalancer: Template
  web: Template
  compute: Template
  monitoring: Template
}

/** Builds the whole app with the given context and synthesizes it once (every template comes from that one synth). */
export function synthesizeAll(context: Record<string, string> = {}, options: BuildOptions = {}): Synthesized {
  const stacks = buildStacks(new App({ context }), options)
  return {
    ...platformTemplates(stacks),
    network: Template.fromStack(stacks.network),
    loadBalancer: Template.fromStack(stacks.loadBalancer),
    web: Template.fromStack(stacks.web),
    compute: Template.fromStack(stacks.compute),
    monitoring: Template.fromStack(stacks.monitoring),
  }
}

export const TEST_CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9'

/** Everything a stage other than dev requires: a certificate and its name, Stripe prices. */
export function stageContext(stage: string): Record<string, string> {
  return {
    stage,
    certificateArn: TEST_CERTIFICATE_ARN,
    apiDomainName: `api.${stage}.example.com`,
    stripePricePro: 'price_1ProTest',
    stripePriceTeam: 'price_1TeamTest',
  }
}

export type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }

/** The resources of a type, by logical id. */
export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>
}

/** The one resource of a type whose property has the value; fails loudly otherwise. */
export function resourceWhere(template: Template, type: string, property: string, value: unknown): [string, Resource] {
  const found = Object.entries(resources(template, type)).filter(
    ([, r]) => JSON.stringify(r.Properties?.[property]) === JSON.stringify(value),
  )
  if (found.length !== 1) throw new Error(`expected one ${type} with ${property} = ${JSON.stringify(value)}, found ${found.length}`)
  return found[0]!
}

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'region', 'AWS::AccountId': 'account' }

/**
 * A policy resource as a plain string: literal strings and Fn::Join of literals and pseudo
 * parameters. Anything else (an import, a reference) throws, so no resource escapes the checks.
 */
export function renderArn(value: unknown): string {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object') {
    const ref = (value as { Ref?: unknown }).Ref
    if (typeof ref === 'string' && PSEUDO[ref]) return PSEUDO[ref]
    const join = (value as { 'Fn::Join'?: unknown })['Fn::Join']
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map(renderArn).join(join[0])
    }
  }
  throw new Error(`cannot render policy resource ${JSON.stringify(value)}`)
}

/** A value that CloudFormation may give as one item or a list. */
export function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}
