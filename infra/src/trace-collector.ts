// Each app task's traces leave through an AWS Distro for OpenTelemetry collector beside the app:
// the app sends OTLP/HTTP to it on the task's loopback (OTEL_EXPORTER_OTLP_ENDPOINT), the collector
// batches the spans and puts them to X-Ray (which takes W3C trace ids as they are). A collector per
// task because Fargate has no host to run a shared agent on.
import { Duration, Stack } from 'aws-cdk-lib'
import * as ecs from 'aws-cdk-lib/aws-ecs'
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as logs from 'aws-cdk-lib/aws-logs'

/** ADOT collector release (public ECR); bump it with its release notes. */
export const COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0'
export const COLLECTOR_CONTAINER = 'otel-collector'
/** Where the app sends its spans: the collector's OTLP/HTTP receiver, on the task's loopback only. */
export const COLLECTOR_ENDPOINT = 'http://127.0.0.1:4318'

/** X-Ray's write actions, which have no resource type: IAM accepts them on "*" only. */
export const XRAY_WRITE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const

/** The collector's configuration: OTLP/HTTP in, batched, to X-Ray; a health endpoint for the container check. */
export function collectorConfig(region: string): string {
  return [
    'extensions:',
    '  health_check:',
    '    endpoint: 127.0.0.1:13133',
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    '        endpoint: 127.0.0.1:4318',
    'processors:',
    '  batch/traces:',
    '    timeout: 1s',
    '    send_batch_size: 50',
    'exporters:',
    '  awsxray:',
    `    region: ${region}`,
    // Searchable in X-Ray's console: the route of a request, the event a consumer handled.
    '    indexed_attributes: [http.route, f1.event_id]',
    'service:',
    '  extensions: [health_check]',
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp]',
    '      processors: [batch/traces]',
    '      exporters: [awsxray]',
    '',
  ].join('\n')
}

/**
 * Adds the collector to an app's task. It is not essential: a collector that stops costs spans,
 * never the app's requests (the app's exporter drops what it cannot send). The app starts after it.
 */
export function addTraceCollector(taskDefinition: ecs.FargateTaskDefinition, app: ecs.ContainerDefinition, logGroup: logs.ILogGroup) {
  const collector = taskDefinition.addContainer(COLLECTOR_CONTAINER, {
    image: ecs.ContainerImage.fromRegistry(COLLECTOR_IMAGE),
    essential: false,
    environment: { AOT_CONFIG_CONTENT: collectorConfig(Stack.of(taskDefinition).region) },
    memoryReservationMiB: 64,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: COLLECTOR_CONTAINER }),
    healthCheck: {
      // Run directly: the collector's image has no shell for CMD-SHELL.
      command: ['CMD', '/healthcheck'],
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(10),
    },
  })
  app.addContainerDependencies({ container: collector, condition: ecs.ContainerDependencyCondition.START })
  taskDefinition.taskRole.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: 'WriteTraces', actions: [...XRAY_WRITE_ACTIONS], resources: ['*'] }),
  )
  return collector
}
