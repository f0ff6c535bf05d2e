import { Aws, type CfnElement, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type CfnFunction, FilterCriteria, FunctionUrlAuthType, InvokeMode, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AUTHORIZER_CACHE_SECONDS } from '../shared/auth/principal.ts';
import { EVENT_SOURCE } from '../shared/events/catalog.ts';
import { MAX_BATCH_RETRIES } from '../shared/events/ports.ts';
import { eventRules } from '../shared/events/rules.ts';
import { filterPatterns } from '../shared/events/stream-changes.ts';
import { type StreamConsumer, streamConsumers } from '../shared/events/stream-consumers.ts';
import { ROLLUP_SWEEP_INTERVAL_MINUTES } from '../shared/projection/stream-consumer.ts';
import { type QueueDeclaration, queues } from '../shared/queues.ts';
import { DEFAULT_ROUTE_HANDLER, routes } from '../shared/routes.ts';
import { WAREHOUSE_DEFAULTS } from '../shared/warehouse/settings.ts';
import { Alarms } from './constructs/alarms.ts';
import { BatonFunction } from './constructs/baton-function.ts';
import { warehouseBucketName } from './constructs/warehouse.ts';

/**
 * What each function may touch: least privilege, per function. A route's
 * function gets what its module declares (`table` in shared/api/routes/).
 */
export const functionAccess: Record<string, { table?: 'read' | 'readWrite'; bus?: boolean }> = {
  ...Object.fromEntries(routes.map((route) => [route.handler, route.table ? { table: route.table } : {}])),
  [DEFAULT_ROUTE_HANDLER]: {},
  authorizer: { table: 'read' },
  'publish-events': { bus: true },
  'recompute-day': { table: 'readWrite' },
  project: { table: 'readWrite' },
  'apply-rollups': { table: 'readWrite' },
  'warehouse-changes': { table: 'readWrite' },
  'warehouse-export': { table: 'readWrite' },
  'sweep-rollups': { table: 'readWrite' },
};

/** Scheduled functions that may run for minutes (as a streamed export may); every other answers within seconds. */
const LONG_RUNNING = new Set(['warehouse-export', 'sweep-rollups']);

export interface StatelessStackProps extends StackProps {
  table: ITableV2;
  bus: IEventBus;
  /** Where in the warehouse bucket (`warehouseBucketName()`, infra/constructs/warehouse.ts) the export writes. */
  warehouse: { prefix: string };
}

/** Code that is redeployed often: functions, the HTTP API, the table stream's consumers, the work queues and the event rules. */
export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly functions = new Map<string, BatonFunction>();
  /** Every event no consumer could handle, and every stream batch its consumer kept failing on. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);

    // Beside its consumers (a queue in the data stack would need policies naming this stack's rules: a cycle).
    this.deadLetters = new Queue(this, 'DeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the event consumers and the stream consumers; it needs none of its own.',
    });

    const fn = (handler: string): BatonFunction => {
      const existing = this.functions.get(handler);
      if (existing) return existing;
      const access = functionAccess[handler];
      if (!access) throw new Error(`infra/stateless-stack.ts: no functionAccess entry for handler "${handler}"`);
      const longRunning = LONG_RUNNING.has(handler) || routes.some((route) => route.handler === handler && route.streaming);
      const queued = queues.find((queue) => queue.target === handler);
      const streamed = streamConsumers.some((consumer) => consumer.target === handler);
      const budgeted = routes.find((route) => route.handler === handler && route.budgetSeconds !== undefined)?.budgetSeconds;
      const timeout = longRunning
        ? Duration.minutes(10)
        : queued
          ? Duration.seconds(queued.timeoutSeconds)
          : streamed
            ? Duration.minutes(1)
            : budgeted !== undefined
              ? Duration.seconds(budgeted + 1)
              : undefined;
      const created = new BatonFunction(this, pascal(handler), { handler, ...(timeout ? { timeout } : {}) });
      if (access.table) created.bindTable(props.table, access.table);
      if (access.bus) created.bindBus(props.bus);
      this.functions.set(handler, created);
      return created;
    };

    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', fn('authorizer'), {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });

    this.api = new HttpApi(this, 'Api', { createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Beyond these, API Gateway answers 429 itself (docs/contract.md#errors).
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.jsonWithStandardFields() },
    });

    for (const route of routes) {
      if (route.streaming) {
        this.addStreamingUrl(fn(route.handler), route.path);
        continue;
      }
      const [addedRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.handler)}Integration`, fn(route.handler)),
        authorizer: route.access.kind === 'key' ? authorizer : new HttpNoneAuthorizer(),
      });
      if (addedRoute && route.access.kind !== 'key') {
        Validations.of(addedRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: {
            webhook: 'Webhooks are authenticated by the provider signature over the raw body, checked in the handler.',
            publishable: 'Collection is called by web pages with the publishable key in the body (sendBeacon sends no headers); the handler checks the key and the tenant’s allowed origins.',
            public: 'Public by design (the health check, the tracker script): reveals nothing and reads no tenant data beyond a publishable key’s settings.',
          }[route.access.kind],
        });
      }
    }
    const [defaultRoute] = this.api.addRoutes({
      path: '/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('NotFoundIntegration', fn(DEFAULT_ROUTE_HANDLER)),
      authorizer: new HttpNoneAuthorizer(),
    });
    if (defaultRoute) {
      Validations.of(defaultRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The catch-all route only answers 404 with a problem body; it reads no data.',
      });
    }

    for (const rule of eventRules) {
      const target = fn(rule.target);
      target.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetters) });
      new Rule(this, `${pascal(rule.name)}Rule`, {
        eventBus: props.bus,
        eventPattern: { source: [EVENT_SOURCE], detailType: [...rule.detailTypes] },
        targets: [new LambdaFunction(target, { deadLetterQueue: this.deadLetters, retryAttempts: 8, maxEventAge: Duration.hours(2) })],
      });
    }

    for (const consumer of streamConsumers) this.wireStreamConsumer(consumer, fn(consumer.target), props);
    const queueDeadLetters = queues.map((declaration) => this.wireQueue(declaration, fn));
    this.wireWarehouseExport(fn('warehouse-export'), props.warehouse);
    this.wireRollupSweep(fn('sweep-rollups'));
    new Alarms(this, 'Alarms', {
      deadLetterQueues: [this.deadLetters, ...queueDeadLetters],
      projector: fn('project'),
      rollupApplier: fn('apply-rollups'),
      email: this.node.tryGetContext('alarmEmail'),
    });

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only lets a function write its own logs; CDK attaches it to every function.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'docs/contract.md#runtime-money-and-time fixes the Node.js 22 runtime (bundles target node22); moving to 24 is a deliberate upgrade, not a lint fix.',
      },
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    // What `npm run dead-letters -- list|redrive --queue-url <url> --bus <name>` needs.
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetters.queueUrl, description: 'Dead letters of the event and stream consumers: npm run dead-letters -- list --queue-url <this>' });
    new CfnOutput(this, 'EventBusName', { value: props.bus.eventBusName, description: 'The bus dead letters are redriven to: npm run dead-letters -- redrive --bus <this>' });
  }

  /**
   * API Gateway HTTP APIs buffer responses (up to 6 MB), so a streamed
   * route is served by its function's URL in response-streaming mode; the
   * function checks the key itself (`shared/http/streaming.ts`).
   */
  private addStreamingUrl(target: BatonFunction, path: string): void {
    const url = target.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.RESPONSE_STREAM });
    new CfnOutput(this, `${target.node.id}Url`, { value: url.url, description: `Base URL of ${path} (response streaming)` });
  }

  /**
   * The warehouse export every window (EventBridge
   * Scheduler): it writes each tenant's due windows under the prefix, and
   * may write nothing else of the bucket. A run that fails is retried by the
   * next one, from the watermark (docs/warehouse.md).
   */
  private wireWarehouseExport(target: BatonFunction, warehouse: StatelessStackProps['warehouse']): void {
    const bucket = warehouseBucketName();
    // Under the prefix only: the export writes whole files (a rerun overwrites them), and an erasure reads and writes again those naming the person.
    target.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::${bucket}/${warehouse.prefix}/*`] }));
    target.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [`arn:${Aws.PARTITION}:s3:::${bucket}`], conditions: { StringLike: { 's3:prefix': [`${warehouse.prefix}/*`] } } }),
    );
    target.addEnvironment('WAREHOUSE_BUCKET', bucket);
    // One run at a time, never retried by Lambda: a stale run must not write a window again after another rewrote it for an erasure.
    target.configureAsyncInvoke({ retryAttempts: 0 });
    (target.node.defaultChild as CfnFunction).reservedConcurrentExecutions = 1;
    target.addEnvironment('WAREHOUSE_PREFIX', warehouse.prefix);
    target.addEnvironment('WAREHOUSE_INTERVAL_MINUTES', String(WAREHOUSE_DEFAULTS.intervalMinutes));
    new Schedule(this, 'WarehouseExportSchedule', {
      description: 'The warehouse export: each tenant’s changes of the windows that ended, as Parquet (docs/warehouse.md)',
      schedule: ScheduleExpression.rate(Duration.minutes(WAREHOUSE_DEFAULTS.intervalMinutes)),
      target: new LambdaInvoke(target, { retryAttempts: 0 }),
    });
    const functionId = Stack.of(this).getLogicalId(target.node.defaultChild as CfnElement);
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::baton-warehouse-<AWS::AccountId>-<AWS::Region>/${warehouse.prefix}/*]`,
        reason: 'The export writes files whose names (tenant, day, window) are made at run time, all under the warehouse prefix and nowhere else.',
      },
      { id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`, reason: 'EventBridge Scheduler’s role may invoke the export function’s versions; it invokes nothing else.' },
    );
  }

  /**
   * The rollup sweep every ROLLUP_SWEEP_INTERVAL_MINUTES (EventBridge
   * Scheduler): rollup deltas the stream's applier left, when its batch went
   * to the dead-letter queue, added to their cells. A failed run is the next
   * one's to do, so it is not retried.
   */
  private wireRollupSweep(target: BatonFunction): void {
    new Schedule(this, 'RollupSweepSchedule', {
      description: 'The rollup sweep: rollup deltas the stream’s applier left (a dead-lettered batch), added to their cells',
      schedule: ScheduleExpression.rate(Duration.minutes(ROLLUP_SWEEP_INTERVAL_MINUTES)),
      target: new LambdaInvoke(target, { retryAttempts: 0 }),
    });
    const functionId = Stack.of(this).getLogicalId(target.node.defaultChild as CfnElement);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      reason: 'EventBridge Scheduler’s role may invoke the sweep function’s versions; it invokes nothing else.',
    });
  }

  /**
   * The table stream → a consumer (`shared/events/stream-consumers.ts`). Only
   * the consumer's entities, on their stream events, pass the filter; a
   * failing batch is split, retried, and in the end kept in the dead-letter queue.
   */
  private wireStreamConsumer(consumer: StreamConsumer, target: BatonFunction, props: StatelessStackProps): void {
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('The table needs a stream for its consumers');
    target.addEventSourceMapping(`${pascal(consumer.name)}Stream`, {
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: MAX_BATCH_RETRIES,
      maxRecordAge: Duration.hours(24),
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.deadLetters),
      filters: filterPatterns(consumer.entities).map((pattern) => FilterCriteria.filter(pattern)),
    });
    target.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], resources: [streamArn] }));
    target.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
    Validations.of(target).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams has no resource-level permissions; every other stream action names the table stream.',
    });
    this.deadLetters.grantSendMessages(target);
  }

  /**
   * A work queue (`shared/queues.ts`): the queue, its own dead-letter queue
   * after `maxReceiveCount` receives (redrive it from the SQS console or
   * with `aws sqs start-message-move-task`), the consumer reading one
   * message at a time with at most `maxConcurrency` at once, and the URL
   * and the grant for each sender. Answers the dead-letter queue (alarmed).
   */
  private wireQueue(declaration: QueueDeclaration, fn: (handler: string) => BatonFunction): Queue {
    const id = pascal(declaration.name);
    const deadLetters = new Queue(this, `${id}DeadLetters`, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(deadLetters).acknowledge({ id: 'AwsSolutions-SQS3', reason: `The dead-letter queue of the ${declaration.name} queue; it needs none of its own.` });
    const queue = new Queue(this, `${id}Queue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Above the consumer's timeout, so a message is not handed out twice while it is being worked on.
      visibilityTimeout: Duration.seconds(declaration.timeoutSeconds * 2),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: declaration.maxReceiveCount },
    });
    fn(declaration.target).addEventSource(new SqsEventSource(queue, { batchSize: 1, maxConcurrency: declaration.maxConcurrency, reportBatchItemFailures: true }));
    for (const sender of declaration.senders) {
      fn(sender).addEnvironment(declaration.urlVariable, queue.queueUrl);
      queue.grantSendMessages(fn(sender));
    }
    new CfnOutput(this, `${id}DeadLetterQueueUrl`, { value: deadLetters.queueUrl, description: `Messages of the ${declaration.name} queue that kept failing` });
    return deadLetters;
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[-_])(\w)/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}
