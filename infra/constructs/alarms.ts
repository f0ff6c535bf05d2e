import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRIC_NAMESPACE, SERVICE } from '../../shared/observability/metrics.ts';

export interface AlarmsProps {
  /** Every dead-letter queue: a message in one is work that kept failing. */
  deadLetterQueues: readonly IQueue[];
  /** The projector, whose iterator age is how far the views are behind the table. */
  projector: IFunction;
  /** The rollup applier, whose iterator age is how far the views' cells are behind the projections. */
  rollupApplier: IFunction;
  /** Projection lag that raises the alarm when it lasts three minutes; 5 minutes unless given. */
  maxProjectionLag?: Duration;
  /** Subscribed to the alarm topic when given (it confirms by email). */
  email?: string;
}

/**
 * What should wake an operator, each alarm notifying one SNS topic (its
 * ARN is an output; `-c alarmEmail=<address>` subscribes an address):
 * work in a dead-letter queue, the projection or its rollups falling behind the table,
 * a webhook delivery quarantined.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Baton alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed key; the notifications carry alarm names and states, never tenant data.',
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    new CfnOutput(scope, 'AlarmTopicArn', { value: this.topic.topicArn, description: 'Where the alarms notify: subscribe to it, or deploy with -c alarmEmail=<address>' });

    props.deadLetterQueues.forEach((queue, index) => {
      this.add(`DeadLetters${index + 1}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        // An idle queue stops reporting after some hours: the alarm keeps its state until the queue is drained.
        treatMissingData: TreatMissingData.IGNORE,
        alarmDescription: `Work kept failing and waits in the dead-letter queue ${queue.node.path}: npm run dead-letters -- list --queue-url <its URL>, then redrive.`,
      });
    });

    const maxLag = props.maxProjectionLag ?? Duration.minutes(5);
    this.add('ProjectionLag', {
      metric: props.projector.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: maxLag.toMilliseconds(),
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The projector reads the table's stream more than ${maxLag.toHumanString()} behind: views lag the data (failing batches are retried, then dead-lettered).`,
    });
    this.add('RollupLag', {
      metric: props.rollupApplier.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: maxLag.toMilliseconds(),
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The rollup applier reads the table's stream more than ${maxLag.toHumanString()} behind: the views' cells lag the projections (failing batches are retried, then dead-lettered).`,
    });

    this.add('QuarantinedDeliveries', {
      metric: new Metric({ namespace: METRIC_NAMESPACE, metricName: METRIC_NAMES.quarantined, dimensionsMap: { service: SERVICE }, period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'A signed webhook delivery could not be mapped and was quarantined: npm run dead-letters -- list shows it; redrive it once the mapping reads it.',
    });
  }

  private add(id: string, props: { metric: Metric; threshold: number; evaluationPeriods: number; treatMissingData: TreatMissingData; alarmDescription: string }): void {
    const alarm = new Alarm(this, id, { ...props, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
