// How the README commands test treats each documented command: run it (and what it must do), or
// skip it for a stated reason. A documented command in neither list fails the test.

/** A command that finishes on its own: its exit code and a line of its output (stdout and stderr). */
export interface Finishes {
  exit: number
  output: RegExp
}

/** A server in the foreground: it must print `ready`, then SIGTERM stops it. */
export interface Serves {
  ready: RegExp
}

export interface Run {
  /** What runs when it cannot be the documented text itself, and why. */
  runAs?: { command: string; why: string }
  /**
   * Files the command names: the name is replaced by a path in the test's temporary folder, so
   * nothing lands in the repository (pnpm runs package scripts in the package folder). The
   * value, when a string, is written there first.
   */
  files?: Record<string, string | { firstJsonOf: string } | null>
  expect: Finishes | Serves
  /** Commands of one sequence share state (tables, a lock): they run one at a time, in README order. A dry run only reads. */
  sequence?: string
}

/** `{tmp}` in a runAs command is the test's temporary folder. */
export const TMP = '{tmp}'

const NO_LOCAL_SQS = /No local SQS answers at http:\/\/127\.0\.0\.1:\d+: is `f1-local dev` or `f1-local bus` running\?/

/** Documented commands the test runs, by their text as extracted. */
export const RUN: Record<string, Run> = {
  'pnpm exec f1-local dlq list': { expect: { exit: 0, output: /No dead letters in / } },
  'pnpm exec f1-local dlq replay --all': { expect: { exit: 0, output: /No dead letters in / } },
  'pnpm exec f1-local bus': {
    sequence: 'bus',
    expect: { ready: /Local EventBridge bus "[^"]+" on http:\/\/127\.0\.0\.1:\d+ .+the consumers' queues on http:\/\/127\.0\.0\.1:\d+ / },
  },
  // After the bus above has stopped (same sequence), on the test's own EVENT_QUEUE_PORT: reaching the
  // SQS endpoint proves the arguments parsed (a usage error exits 2); test/bus-dead-letters.test.ts
  // runs them against a bus with dead letters.
  'pnpm exec f1-local bus queues': { sequence: 'bus', expect: { exit: 1, output: NO_LOCAL_SQS } },
  'pnpm exec f1-local bus peek action-log-service': { sequence: 'bus', expect: { exit: 1, output: NO_LOCAL_SQS } },
  'pnpm exec f1-local bus redrive action-log-service': { sequence: 'bus', expect: { exit: 1, output: NO_LOCAL_SQS } },
  'pnpm exec f1-local bus redrive --all': { sequence: 'bus', expect: { exit: 1, output: NO_LOCAL_SQS } },
  // The spans of a `pnpm dev` run, which this test does not start: the same command on a file of its own.
  'pnpm exec f1-local traces': {
    runAs: {
      command: `pnpm exec f1-local traces --file ${TMP}/traces.jsonl`,
      why: 'the spans of a `pnpm dev` run, which this test does not start',
    },
    expect: { exit: 1, output: /No spans at .*start the stack with `pnpm dev`/ },
  },
  'pnpm exec f1-local traces 4bf92f3577b3': {
    runAs: {
      command: `pnpm exec f1-local traces 4bf92f3577b3 --file ${TMP}/traces.jsonl`,
      why: 'the spans of a `pnpm dev` run, which this test does not start',
    },
    expect: { exit: 1, output: /No spans at / },
  },
  'pnpm exec f1-local relay': { expect: { ready: /"msg":"relay started"/ } },
  'pnpm demo:plan -- --plan pro': {
    // No gateway runs: reaching the login proves the arguments parsed (a usage error exits 2).
    expect: { exit: 1, output: /The gateway at http:\/\/127\.0\.0\.1:\d+ does not answer/ },
  },
  'pnpm demo:plan -- --plan free': { expect: { exit: 1, output: /The gateway at http:\/\/127\.0\.0\.1:\d+ does not answer/ } },
  // The test's tables hold no account: reaching the lookup proves the arguments and the config.
  'pnpm --filter @f1/gateway admin grant someone@example.com --by "Jane (on-call)"': {
    expect: { exit: 1, output: /no account has the email someone@example\.com; nothing changed/ },
  },
  'pnpm --filter @f1/gateway admin revoke someone@example.com': {
    expect: { exit: 1, output: /no account has the email someone@example\.com; nothing changed/ },
  },
  'pnpm --filter @f1/gateway admin --help': { expect: { exit: 0, output: /^Usage: pnpm --filter @f1\/gateway admin/m } },
  'pnpm --filter @f1/migrator backfill -- --dry-run --report dry-run.json': {
    files: { 'dry-run.json': null },
    expect: { exit: 0, output: /^Backfill \(dry run\): completed \(dry run: nothing written\)/m },
  },
  'pnpm --filter @f1/migrator backfill -- --report backfill.json': {
    sequence: 'migrator',
    files: { 'backfill.json': null },
    expect: { exit: 0, output: /^Backfill \S+: completed/m },
  },
  'pnpm --filter @f1/migrator verify -- --report verify.json': {
    sequence: 'migrator',
    files: { 'verify.json': null },
    expect: { exit: 0, output: /^Legacy and the new tables agree\./m },
  },
  'pnpm --filter @f1/migrator stages': { sequence: 'migrator', expect: { exit: 0, output: /^subscriptions\s+\S+\s+since/m } },
  'pnpm --filter @f1/migrator stages -- set subscriptions shadow --by admin-user-id --sample-rate 0.1': {
    sequence: 'migrator',
    expect: { exit: 0, output: /^subscriptions\s+shadow\s+since \S+ by admin-user-id, sampling 10\.00 %/m },
  },
  // No kind is retired in the test's tables: both refuse, which proves the arguments parsed (a usage error exits 2).
  'pnpm --filter @f1/migrator archive -- export actions --out actions-archive.jsonl': {
    sequence: 'migrator',
    files: { 'actions-archive.jsonl': null },
    expect: { exit: 4, output: /actions is in \S+, not retired/ },
  },
  'pnpm --filter @f1/migrator archive -- delete actions --from actions-archive.jsonl --expect 52 --dry-run': {
    sequence: 'migrator',
    files: { 'actions-archive.jsonl': '' },
    expect: { exit: 4, output: /actions is in \S+, not retired/ },
  },
  'pnpm --filter @f1/migrator generate -- --users 1000 --seed demo --tally tally.json': {
    sequence: 'migrator',
    files: { 'tally.json': null },
    expect: { exit: 0, output: /^Generated 1,000 users, [\d,]+ legacy items into /m },
  },
  'pnpm --filter ./packages/race-sim compare-reference ref-races.json': {
    // The reference's JSON needs its checkout (see the SKIP below); one refused race proves the wiring.
    files: { 'ref-races.json': '{"Suzuka_2014": {"status": "refused", "reason": "RuntimeError: t_gap_racepace"}}' },
    expect: {
      exit: 0,
      output: /^Suzuka_2014 +refused by reference: RuntimeError: t_gap_racepace {2}ours warns: RACE_PACE_GAP_OUT_OF_RANGE$/m,
    },
  },
  'pnpm --filter ./packages/race-sim convert-params path/to/racesim-params': {
    runAs: {
      command: `pnpm --filter ./packages/race-sim convert-params ${TMP}/empty-params`,
      why: 'real parameter files would rewrite the committed catalog; an empty folder must be refused before anything is written',
    },
    expect: { exit: 1, output: /convert-params: no pars_<Track>_<season>\.ini files and pars_mcs\.ini in / },
  },
  'pnpm --filter ./packages/race-sim strategy-engineer-report': {
    runAs: {
      command: 'pnpm --filter ./packages/race-sim strategy-engineer-report --runs 10',
      why: '1,000 runs per race and setting take half a minute of both cores; 10 prove the report end to end',
    },
    expect: { exit: 0, output: /^Wins that change hands over the season: [\d.]+ of 21 /m },
  },
  'pnpm --filter ./packages/race-sim simulate request.json': {
    files: { 'request.json': { firstJsonOf: 'packages/race-sim/README.md' } },
    expect: { exit: 0, output: /"classification":\[\{"position":1,/ },
  },
  'pnpm --filter ./packages/race-sim optimize request.json': {
    files: { 'request.json': '{"track_id":"shanghai","season":2019,"driver":"HAM"}' },
    expect: { exit: 0, output: /^\{".+\}$/m },
  },
  // Both write infra/cdk.out (ignored by git), so they take turns.
  // The runbook's offline review of a first deploy, with the dev context (no certificate or prices needed).
  'pnpm exec cdk diff --exclusively --template empty.template.json f1-compute-prod $CTX': {
    sequence: 'infra',
    runAs: {
      command: 'pnpm --filter ./infra exec cdk diff --exclusively --template empty.template.json f1-compute-dev',
      why: "$CTX is the operator's context for a real stage; the dev stage needs none, and the diff is the same kind",
    },
    expect: { exit: 0, output: /\[\+\] AWS::ECS::Service gateway/ },
  },
  'pnpm --filter ./infra synth': { sequence: 'infra', expect: { exit: 0, output: /^f1-relay-dev: .+f1-relay-dev\.template\.json$/m } },
  'pnpm --filter ./infra synth -c stage=prod -c certificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b -c apiDomainName=api.example.com -c stripePricePro=price_1ProExample -c stripePriceTeam=price_1TeamExample':
    { sequence: 'infra', expect: { exit: 0, output: /^f1-compute-prod: .+f1-compute-prod\.template\.json$/m } },
  'pnpm build --filter @f1/simulation-service... && pnpm deploy --prod --legacy --filter @f1/simulation-service /tmp/simulation-service': {
    runAs: {
      command: `pnpm build --filter @f1/simulation-service... && pnpm deploy --prod --legacy --filter @f1/simulation-service ${TMP}/simulation-service`,
      why: 'pnpm deploy refuses a folder that is not empty, and /tmp/simulation-service may be left from a reader’s run',
    },
    expect: { exit: 0, output: /^\s*Tasks:\s+\d+ successful, \d+ total$/m },
  },
}

/** Commands quoted in README.md's prose that the issue named; the test runs them too. */
export const INLINE: Record<string, Run> = {
  'pnpm --filter @f1/migrator backfill -- --dry-run': {
    expect: { exit: 0, output: /^Backfill \(dry run\): completed \(dry run: nothing written\)/m },
  },
  'pnpm bench': {
    runAs: {
      command: 'pnpm bench -- --help',
      why: 'the whole run takes about five minutes of both cores and would distort every test beside it; --help proves the script and its arguments are wired',
    },
    expect: { exit: 0, output: /^Usage: pnpm bench/m },
  },
  'pnpm dev -- --data-dir .local/dynamodb': {
    runAs: {
      command: `pnpm dev -- --data-dir ${TMP}/dynamodb --help`,
      why: "the stack's DynamoDB Local and apps take fixed ports (8000, 3000-3005) another stack on this machine may hold; --help after the same arguments proves they parse",
    },
    expect: { exit: 0, output: /^Usage: f1-local <command>/m },
  },
}

export interface Skip {
  match: (command: string) => boolean
  why: string
}

const STACK = 'talks to the stack `pnpm dev` runs on fixed ports (3000-3005, 8000); the routes are tested by the apps’ own tests'

/** Documented commands the test does not run, and why. */
export const SKIP: Skip[] = [
  {
    match: (c) => /^npx -y pnpm@[\d.]+ install && npx -y pnpm@[\d.]+ dev$/.test(c),
    why: 'installs (rewrites the shared node_modules, npx may download pnpm) before `pnpm dev`, whose arguments INLINE checks',
  },
  {
    match: (c) => /^npx -y pnpm@[\d.]+ install && npx -y pnpm@[\d.]+ test$/.test(c),
    why: 'installs, then runs every test of the repository (about 17 minutes), this one included',
  },
  {
    match: (c) => c === 'pnpm dev',
    why: 'starts the whole stack on fixed ports (8000, 3000-3005) another stack on this machine may hold; INLINE checks its arguments',
  },
  {
    match: (c) => c.startsWith('python3 packages/race-sim/scripts/reference-races.py '),
    why: 'runs the reference simulator (TUMFTM/race-simulation), a checkout that is neither in the repository nor reachable from CI',
  },
  {
    match: (c) => c.startsWith('docker build '),
    why: 'these machines have no Docker engine; deploy/test/image-steps.test.ts runs the Dockerfile’s steps without one, for every app',
  },
  {
    match: (c) => c.startsWith('pnpm --filter @f1/deploy image-steps'),
    why: 'deploy/test/image-steps.test.ts runs the same steps and checks for every app in the same test run (over two minutes); again here would double that',
  },
  { match: (c) => /^GW=http:\/\/127\.0\.0\.1:3000$/.test(c) || /(^|[\s(=])curl /.test(c), why: STACK },
  {
    // infra/README.md's first deploy: its context, then the CDK CLI against an account.
    match: (c) => c.startsWith('CTX="-c stage=') || /^pnpm exec cdk (bootstrap|deploy)\b/.test(c),
    why: 'deploys to an AWS account (and builds images with Docker); `pnpm --filter ./infra synth` with the same context values runs above, and infra/test checks the templates',
  },
  {
    match: (c) => c === 'pnpm --filter ./apps/web build',
    why: "the test run's build step (`f1-local test` runs turbo's build before any test) builds the console already",
  },
  {
    // infra/README.md's runbook (secrets, the backfill task) and dead-letter replay: shell around `aws` and `jq`.
    match: (c) => /(^|[\s(;|])(aws|jq) /.test(c) || /^(STAGE|QUEUE_URL|STREAM|FIRST|ITERATOR)=/.test(c),
    why: "talks to an AWS account (Secrets Manager, ECS, SQS); the run-task command is the stack's own output (infra/test/compute-stack.test.ts), and the replay's jq transform is tested by infra/test/replay.test.ts against the pipe's own semantics",
  },
]
