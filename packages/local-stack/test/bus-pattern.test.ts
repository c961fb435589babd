import t from 'tap'
import { RULES } from '@f1/events/rules'
import { compileEventPattern, InvalidEventPatternError, matchesEventPattern } from '../src/bus/pattern.ts'
import type { TapTest } from './bus-helper.ts'

interface Case {
  name: string
  pattern: Record<string, unknown>
  event: Record<string, unknown>
  matches: boolean
}

function table(t: TapTest, cases: Case[]) {
  for (const c of cases)
    t.equal(matchesEventPattern(c.pattern, c.event), c.matches, `${c.matches ? 'matches' : 'does not match'}: ${c.name}`)
}

// Events shared by several documented examples.
const ec2 = (state: string) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state },
})
const autoscaling = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
}
const macie = (riskScore: number) => ({
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  detail: {
    'notification-type': 'ALERT_CREATED',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': riskScore,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
})
// The sample event of the aws/event-ruler README, which the content-filtering examples are written against.
const ruler = (detail: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
    ...detail,
  },
})
const withDetail = (detail: Record<string, unknown>) => ({ source: 'test', 'detail-type': 'test', detail })

t.test('the examples of "Amazon EventBridge event patterns" match as documented', async (t) => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html (and eb-create-pattern.html)
  const termination = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }
  table(t, [
    {
      name: 'the EC2 instance-termination pattern and a terminated instance',
      pattern: termination,
      event: ec2('terminated'),
      matches: true,
    },
    { name: 'the EC2 instance-termination pattern and a running instance', pattern: termination, event: ec2('running'), matches: false },
    {
      name: 'a source array is an OR (aws.ec2 or aws.fargate)',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: ec2('running'),
      matches: true,
    },
    {
      name: 'a source array without the event source',
      pattern: { source: ['aws.s3', 'aws.fargate'] },
      event: ec2('running'),
      matches: false,
    },
    {
      name: 'field matching on the Auto Scaling event (responseElements is null)',
      pattern: { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance Launch Successful'], detail: { responseElements: [null] } },
      event: autoscaling,
      matches: true,
    },
    {
      name: 'value matching on nested fields of the Macie alert (risk-score 80, trigger.risk 8)',
      pattern: { source: ['aws.macie'], 'detail-type': ['Macie Alert'], detail: { 'risk-score': [80], trigger: { risk: [8] } } },
      event: macie(80),
      matches: true,
    },
    {
      name: 'the Macie pattern and a risk score of 81',
      pattern: { detail: { 'risk-score': [80], trigger: { risk: [8] } } },
      event: macie(81),
      matches: false,
    },
    { name: 'a field the event lacks', pattern: { detail: { missing: ['x'] } }, event: ec2('running'), matches: false },
    {
      name: 'strings are exact: no case folding',
      pattern: { detail: { state: ['Terminated'] } },
      event: ec2('terminated'),
      matches: false,
    },
    { name: 'a string never equals a number', pattern: { detail: { 'risk-score': ['80'] } }, event: macie(80), matches: false },
    {
      name: 'a pattern value matches any element of an event array',
      pattern: { detail: { tags: ['Insider'] } },
      event: macie(80),
      matches: true,
    },
  ])
})

t.test('null and the empty string match as "Matching null values and empty strings" documents', async (t) => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
  table(t, [
    { name: 'eventVersion [""] and an empty eventVersion', pattern: { detail: { eventVersion: [''] } }, event: autoscaling, matches: true },
    {
      name: 'responseElements [null] and a null responseElements',
      pattern: { detail: { responseElements: [null] } },
      event: autoscaling,
      matches: true,
    },
    { name: 'null does not match the empty string', pattern: { detail: { eventVersion: [null] } }, event: autoscaling, matches: false },
    { name: 'the empty string does not match null', pattern: { detail: { responseElements: [''] } }, event: autoscaling, matches: false },
    { name: 'null does not match a missing field', pattern: { detail: { absent: [null] } }, event: autoscaling, matches: false },
  ])
})

t.test('arrays match on a non-empty intersection, as "Arrays in EventBridge event patterns" documents', async (t) => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
  const pattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  }
  table(t, [
    {
      name: "the pattern's first resource is the event's second",
      pattern,
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      matches: true,
    },
    {
      name: 'no resource in common',
      pattern,
      event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] },
      matches: false,
    },
    { name: 'an empty event array has no value, not even null', pattern: { resources: [null] }, event: { resources: [] }, matches: false },
  ])
})

t.test('content filters match as "Content filtering in Amazon EventBridge event patterns" documents', async (t) => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
  // and the operator table of https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  table(t, [
    // Prefix matching
    {
      name: 'time prefix 2017-10-02',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: { time: '2017-10-02T18:43:48Z' },
      matches: true,
    },
    {
      name: 'time prefix 2017-10-02 on another day',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: { time: '2017-10-03T18:43:48Z' },
      matches: false,
    },
    { name: 'prefix on a number', pattern: { detail: { 'c-count': [{ prefix: '5' }] } }, event: ruler(), matches: false },
    {
      name: 'prefix ignoring case: EventB and "eventbridge"',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'eventbridge' }),
      matches: true,
    },
    {
      name: 'prefix ignoring case: EventB and "EVENTBRIDGE"',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'EVENTBRIDGE' }),
      matches: true,
    },
    {
      name: 'prefix ignoring case: EventB and "lambda"',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'lambda' }),
      matches: false,
    },
    // Suffix matching
    {
      name: 'FileName suffix .png and image.png',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.png' },
      matches: true,
    },
    {
      name: 'FileName suffix .png and image.PNG',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.PNG' },
      matches: false,
    },
    {
      name: 'suffix ignoring case: .png and IMAGE.PNG',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: withDetail({ FileName: 'IMAGE.PNG' }),
      matches: true,
    },
    // Equals-ignore-case
    {
      name: 'Name equals-ignore-case alice and "ALICE"',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'ALICE' },
      matches: true,
    },
    {
      name: 'Name equals-ignore-case alice and "Alicia"',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'Alicia' },
      matches: false,
    },
    // Anything-but
    {
      name: 'state anything-but initializing and "running"',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: ruler(),
      matches: true,
    },
    {
      name: 'state anything-but initializing and "initializing"',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: ruler({ state: 'initializing' }),
      matches: false,
    },
    {
      name: 'x-limit anything-but 123 and 301.8',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: ruler(),
      matches: true,
    },
    {
      name: 'x-limit anything-but 123 and 123',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: ruler({ 'x-limit': 123 }),
      matches: false,
    },
    {
      name: 'state anything-but [stopped, overloaded] and "stopped"',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: ruler({ state: 'stopped' }),
      matches: false,
    },
    {
      name: 'state anything-but [stopped, overloaded] and "running"',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: ruler(),
      matches: true,
    },
    {
      name: 'x-limit anything-but [100, 200, 300] and 200',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: ruler({ 'x-limit': 200 }),
      matches: false,
    },
    {
      name: 'x-limit anything-but [100, 200, 300] and 301.8',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: ruler(),
      matches: true,
    },
    {
      name: 'state anything-but prefix init and "initializing"',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: ruler({ state: 'initializing' }),
      matches: false,
    },
    {
      name: 'state anything-but prefix init and "running"',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: ruler(),
      matches: true,
    },
    {
      name: 'anything-but a prefix list and "post-init"',
      pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] } },
      event: ruler({ state: 'post-init' }),
      matches: true,
    },
    {
      name: 'FileName anything-but suffix .png and a.png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'a.png' },
      matches: false,
    },
    {
      name: 'FileName anything-but suffix .png and a.txt',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'a.txt' },
      matches: true,
    },
    {
      name: 'state anything-but equals-ignore-case initializing and "INITIALIZING"',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: 'INITIALIZING' },
      matches: false,
    },
    {
      name: 'state anything-but equals-ignore-case [initializing, stopped] and "Stopped"',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
      event: { state: 'Stopped' },
      matches: false,
    },
    {
      name: 'state anything-but equals-ignore-case initializing and "running"',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: 'running' },
      matches: true,
    },
    {
      name: 'FilePath anything-but wildcard */lib/* and "src/lib/a.ts"',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: 'src/lib/a.ts' },
      matches: false,
    },
    {
      name: 'FilePath anything-but wildcard */lib/* and "src/bin/a.ts"',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: 'src/bin/a.ts' },
      matches: true,
    },
    {
      name: 'anything-but a string and a null value',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({ state: null }),
      matches: true,
    },
    {
      name: 'anything-but a prefix and a number',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: withDetail({ state: 12 }),
      matches: true,
    },
    {
      name: 'anything-but and a missing field',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({}),
      matches: false,
    },
    // Numeric matching
    {
      name: 'c-count (0, 5], d-count < 10 and x-limit = 3.018e2 on the sample event',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: ruler(),
      matches: true,
    },
    {
      name: 'c-count (0, 5] and 0',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: ruler({ 'c-count': 0 }),
      matches: false,
    },
    {
      name: 'c-count (0, 5] and 6',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: ruler({ 'c-count': 6 }),
      matches: false,
    },
    {
      name: 'd-count < 10 and 10',
      pattern: { detail: { 'd-count': [{ numeric: ['<', 10] }] } },
      event: ruler({ 'd-count': 10 }),
      matches: false,
    },
    { name: 'Price = 100 and the string "100"', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: '100' }, matches: false },
    { name: 'Price > 10 and <= 20 and 20', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 20 }, matches: true },
    // IP address matching
    {
      name: 'sourceIPAddress in 10.0.0.0/24 and 10.0.0.255',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ sourceIPAddress: '10.0.0.255' }),
      matches: true,
    },
    {
      name: 'sourceIPAddress in 10.0.0.0/24 and 10.0.1.1',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ sourceIPAddress: '10.0.1.1' }),
      matches: false,
    },
    {
      name: 'an IPv6 address in 2001:db8::/32',
      pattern: { ip: [{ cidr: '2001:db8::/32' }] },
      event: { ip: '2001:db8:1234::1' },
      matches: true,
    },
    {
      name: 'an IPv6 address outside 2001:db8::/32',
      pattern: { ip: [{ cidr: '2001:db8::/32' }] },
      event: { ip: '2001:db9::1' },
      matches: false,
    },
    // Exists matching
    {
      name: 'detail.state exists on the pending EC2 event',
      pattern: { detail: { state: [{ exists: true }] } },
      event: ec2('pending'),
      matches: true,
    },
    {
      name: 'detail.state exists on an event whose detail only has c-count',
      pattern: { detail: { state: [{ exists: true }] } },
      event: { 'detail-type': 'EC2 Instance State-change Notification', detail: { 'c-count': { c1: 100 } } },
      matches: false,
    },
    {
      name: 'detail.c-count does not exist, and it does not',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: ['initializing', 'running'] }),
      matches: true,
    },
    {
      name: 'detail.c-count does not exist, but it does',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: ruler(),
      matches: false,
    },
    {
      name: 'exists only sees leaves: an object c-count "does not exist"',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ 'c-count': { c1: 100 } }),
      matches: true,
    },
    {
      name: 'exists true on an intermediate node',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: withDetail({ 'c-count': { c1: 100 } }),
      matches: false,
    },
    // Wildcard matching
    {
      name: 'wildcard dir/*.png and dir/a.png',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'dir/a.png' },
      matches: true,
    },
    {
      name: 'wildcard dir/*.png and dir/a.jpg',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'dir/a.jpg' },
      matches: false,
    },
    // Complex example with multiple matching
    {
      name: 'the complex example (prefix, anything-but, numeric, cidr) on the sample event',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      event: ruler(),
      matches: true,
    },
    // $or matching
    {
      name: '$or over c-count, d-count and x-limit when only d-count holds',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      event: ruler({ 'c-count': 50, 'x-limit': 1 }),
      matches: true,
    },
    {
      name: '$or over c-count, d-count and x-limit when none holds',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      event: ruler({ 'c-count': 50, 'd-count': 50, 'x-limit': 1 }),
      matches: false,
    },
  ])
})

t.test('wildcard, $or and array consistency behave as the aws/event-ruler README describes', async (t) => {
  // https://github.com/aws/event-ruler#wildcard-matching, #the-or-primitive, #json-array-matching
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  }
  const cloudwatch = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  }
  table(t, [
    {
      name: 'Simple*Service and SimpleQueueService',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleQueueService' },
      matches: true,
    },
    {
      name: 'Simple*Service and SimpleService (a star matches nothing too)',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleService' },
      matches: true,
    },
    {
      name: 'Simple*Service and SimpleQueue',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleQueue' },
      matches: false,
    },
    { name: 'an escaped star is literal: a\\*b and a*b', pattern: { v: [{ wildcard: 'a\\*b' }] }, event: { v: 'a*b' }, matches: true },
    { name: 'an escaped star is literal: a\\*b and axb', pattern: { v: [{ wildcard: 'a\\*b' }] }, event: { v: 'axb' }, matches: false },
    { name: 'regex characters are literal in a wildcard', pattern: { v: [{ wildcard: 'a.c*' }] }, event: { v: 'abc' }, matches: false },
    {
      name: 'source && (metricName || namespace) with a namespace',
      pattern: cloudwatch,
      event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2' },
      matches: true,
    },
    {
      name: 'source && (metricName || namespace) with neither',
      pattern: cloudwatch,
      event: { source: 'aws.cloudwatch', metricName: 'Other' },
      matches: false,
    },
    {
      name: 'source && (metricName || namespace) from another source',
      pattern: cloudwatch,
      event: { source: 'aws.ec2', metricName: 'CPUUtilization' },
      matches: false,
    },
    { name: 'a field inside an array of objects', pattern: { employees: { firstName: ['Anna'] } }, event: employees, matches: true },
    {
      name: 'fields from different array elements (Anna Jones)',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: employees,
      matches: false,
    },
    {
      name: 'fields from the same array element (Anna Smith)',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: employees,
      matches: true,
    },
    {
      name: 'multi-level arrays are crushed out',
      pattern: { employees: { firstName: ['Peter'] } },
      event: { employees: [[employees.employees[0]], [employees.employees[2]]] },
      matches: true,
    },
  ])
})

t.test("the project's rules route each domain event to the consumers it names", async (t) => {
  const base = { user_id: 'u-1', occurred_at: '2025-01-01T00:00:00.000Z', correlation_id: 'r-1', version: 1 }
  const targets = (source: string, detailType: string, detail: Record<string, unknown> = {}) =>
    RULES.filter((rule) => matchesEventPattern(rule.eventPattern, { source, 'detail-type': detailType, detail: { ...base, ...detail } }))
      .map((rule) => rule.target)
      .sort()
  t.same(targets('f1.gateway', 'User Signed In'), ['action-log-service', 'migrator'])
  t.same(targets('f1.gateway', 'User Registered'), ['action-log-service', 'migrator'])
  t.same(targets('f1.usage', 'Usage Limit Reached'), ['action-log-service'])
  t.same(
    targets('f1.simulations', 'Simulation Failed', { charge_id: '01JD0000000000000000000000' }),
    ['action-log-service', 'usage-service'],
    'a failed simulation with a charge goes to usage-service too, to refund it',
  )
  t.same(targets('f1.simulations', 'Simulation Failed', {}), ['action-log-service'], 'nothing charged: only the action log')
  t.same(targets('aws.ec2', 'EC2 Instance State-change Notification'), [], 'not a domain event')
})

t.test('invalid patterns are refused when compiled, with the reason', async (t) => {
  const invalid: Array<[string, unknown]> = [
    ['a pattern that is not an object', ['aws.ec2']],
    ['an empty pattern', {}],
    ['a bare string instead of an array', { source: 'aws.ec2' }],
    ['an empty value array', { source: [] }],
    ['an unknown filter', { source: [{ contains: 'ec2' }] }],
    ['a filter object with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['a non-string prefix', { source: [{ prefix: 1 }] }],
    ['a numeric filter on a string', { n: [{ numeric: ['>', '1'] }] }],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 1] }] }],
    ['an upside-down numeric range', { n: [{ numeric: ['>', 5, '<', 1] }] }],
    ['consecutive wildcards', { v: [{ wildcard: 'a**b' }] }],
    ['a backslash escaping a letter', { v: [{ wildcard: 'a\\b' }] }],
    ['anything-but with a mixed list', { v: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but null', { v: [{ 'anything-but': null }] }],
    ['exists with a string', { v: [{ exists: 'yes' }] }],
    ['a bad CIDR', { ip: [{ cidr: '10.0.0.0/33' }] }],
  ]
  for (const [name, pattern] of invalid) t.throws(() => compileEventPattern(pattern), InvalidEventPatternError, `refuses ${name}`)
  t.throws(
    () => compileEventPattern({ detail: { source: 'x' } }),
    { message: /"detail\.source" must be an object or an array/ },
    'the message names the field',
  )
})
