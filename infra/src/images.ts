// The container image of each app: deploy/Dockerfile built from the repository root with
// `--build-arg APP=<app>`. Synth only stages the build context into cdk.out (no Docker, no network);
// `cdk deploy` builds and pushes. The root .dockerignore decides what the context holds.
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets'
import * as ecs from 'aws-cdk-lib/aws-ecs'
import type { ServiceName } from '@f1/contracts/services'
import { DOCKERFILE, REPO_ROOT } from './repository.ts'

/** The migrator's CLI in its image (workdir /app holds the deployed app); the one-off task runs it. */
export const MIGRATOR_CLI = ['node', '--enable-source-maps', 'dist/bin/migrator.js'] as const
/** The image's own health probe (deploy/Dockerfile's HEALTHCHECK): /health on the app's port, with Node (slim images have no curl). */
export const HEALTH_PROBE = ['CMD', 'node', 'dist/healthcheck.js'] as const

/** The image of an app. Each app is its own asset (the build argument is part of its hash). */
export function appImage(service: ServiceName): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(REPO_ROOT, {
    file: DOCKERFILE,
    buildArgs: { APP: service },
    // Fargate's default platform; an image built on an arm64 laptop would not start otherwise.
    platform: ecrAssets.Platform.LINUX_AMD64,
    displayName: `f1-${service}`,
  })
}
