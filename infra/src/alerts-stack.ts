// Where every alarm of a stage sends its state changes: one SNS topic, encrypted with a key of its
// own (CloudWatch cannot publish to a topic under the AWS-managed SNS key), reachable over TLS only.
// Deployed first, so the stacks whose alarms notify it can refer to it; subscribe people or a pager
// with `alarmEmail` in context or in the console.
import { Stack, type StackProps } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as kms from 'aws-cdk-lib/aws-kms'
import * as sns from 'aws-cdk-lib/aws-sns'
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'
import type { Construct } from 'constructs'
import { resourceName, type Stage } from './names.ts'

export interface AlertsStackProps extends StackProps {
  stage: Stage
  /** Subscribed to the topic by email (the address confirms it once). */
  alarmEmail?: string | undefined
}

export class AlertsStack extends Stack {
  readonly topic: sns.Topic

  constructor(scope: Construct, id: string, props: AlertsStackProps) {
    const { stage, alarmEmail, ...stackProps } = props
    super(scope, id, stackProps)
    const key = new kms.Key(this, 'AlarmsKey', {
      alias: `alias/${resourceName('alarms', stage)}`,
      description: `Encrypts the ${stage} alarm topic`,
      enableKeyRotation: true,
    })
    // CloudWatch publishes alarm changes to the topic, so it must be able to use the key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    )
    this.topic = new sns.Topic(this, 'Alarms', {
      topicName: resourceName('alarms', stage),
      displayName: `F1 Race Sim ${stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    })
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    )
    if (alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail))
  }
}
