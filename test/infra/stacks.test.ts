import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionAccess } from '../../infra/stateless-stack.ts';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from '../../scripts/build.ts';
import { eventRules } from '../../shared/events/rules.ts';
import { filterPatterns } from '../../shared/events/stream-changes.ts';
import { streamConsumers } from '../../shared/events/stream-consumers.ts';
import { ROLLUP_SWEEP_INTERVAL_MINUTES } from '../../shared/projection/stream-consumer.ts';
import { queues } from '../../shared/queues.ts';
import { routeHandlers, routes } from '../../shared/routes.ts';
import { tableDefinition } from '../../shared/table.ts';
import { WAREHOUSE_DEFAULTS } from '../../shared/warehouse/settings.ts';
import { WAREHOUSE_SCHEMA_VERSION, WAREHOUSE_TABLES } from '../../shared/warehouse/tables.ts';
import { currentViews } from '../../shared/warehouse/views.ts';

let stateful: Template;
let stateless: Template;
let synth: { status: number | null; stderr: string };

/**
 * One synthesis, the way a user runs it: `npx cdk synth` through cdk.json, offline and
 * without Docker (the functions are bundled by esbuild in process). cdk-nag runs during it:
 * an unacknowledged finding makes it fail. The assertions below read the templates it wrote.
 */
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'baton-synth-'));
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', out], {
    cwd: join(import.meta.dirname, '..', '..'),
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', DOCKER_HOST: 'unix:///nonexistent' },
  });
  synth = { status: result.status, stderr: result.stderr };
  if (result.status !== 0) throw new Error(`npx cdk synth failed:\n${result.stderr}`);
  const template = (stack: string) => Template.fromJSON(JSON.parse(readFileSync(join(out, `${stack}.template.json`), 'utf8')));
  stateful = template('BatonStateful');
  stateless = template('BatonStateless');
});
// The cloud assembly holds every function's bundle (about 100 MB): it goes with the file.
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the stateful stack', () => {
  it('holds the table declared in shared/table.ts: keys, indexes, on-demand, PITR, encryption, TTL, stream', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((index) =>
        Match.objectLike({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: tableDefinition.streamViewType },
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
    stateful.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('holds the event bus; the encrypted dead-letter queue sits beside the consumers', () => {
    stateful.resourceCountIs('AWS::Events::EventBus', 1);
    stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
  });
});

describe('the stateless stack', () => {
  it('creates one Node.js 22 arm64 function per handler, plus the authorizer, the scheduled warehouse export and the rollup sweep', () => {
    const functions = stateless.findResources('AWS::Lambda::Function');
    // Ours are Node.js; CDK's own (the dashboard's deployment handler) is Python.
    const ours = Object.values(functions).filter((fn) => fn.Properties.Handler === 'index.handler' && String(fn.Properties.Runtime).startsWith('nodejs'));
    const consumers = [...streamConsumers.map((consumer) => consumer.target), ...queues.map((queue) => queue.target), ...eventRules.map((rule) => rule.target)];
    expect(ours).toHaveLength(new Set([...routeHandlers(), 'authorizer', 'warehouse-export', 'sweep-rollups', ...consumers]).size);
    for (const fn of ours) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('runs the rollup sweep on its schedule, never retried (the next run does what one left), with the table only', () => {
    const [sweeper] = Object.keys(stateless.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('SweepRollups'));
    expect(sweeper).toBeDefined();
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `rate(${ROLLUP_SWEEP_INTERVAL_MINUTES} minutes)`,
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeper, 'Arn'] }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }) }),
    });
    expect(functionAccess['sweep-rollups']).toEqual({ table: 'readWrite' });
  });

  it('gives every function a log group with a retention', () => {
    const groups = Object.values(stateless.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(Object.keys(functionAccess).length);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it('declares an API route for every entry of the route table, behind the authorizer where a key is needed', () => {
    for (const route of routes.filter((candidate) => !candidate.streaming)) {
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: route.access.kind === 'key' ? 'CUSTOM' : 'NONE',
      });
    }
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /{proxy+}', AuthorizationType: 'NONE' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('serves streamed routes from a function URL in response-streaming mode', () => {
    stateless.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    expect(Object.keys(stateless.findResources('AWS::Lambda::Url'))).toHaveLength(routes.filter((route) => route.streaming).length);
  });

  it('logs access and throttles at the stage (429 from API Gateway)', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: { ThrottlingBurstLimit: 400, ThrottlingRateLimit: 200 },
    });
  });

  it('grants table access per function, naming the table and its indexes, and never Scan', () => {
    const policies = Object.values(stateless.findResources('AWS::IAM::Policy'));
    const actions = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => statement.Action));
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:*');
    expect(JSON.stringify(policies)).not.toContain('index/*');
  });
});

describe('the table stream, the queues and the events', () => {
  it('gives every stream consumer its own mapping: its entities on their stream events only, retries, batch splitting, partial failures and the dead-letter queue', () => {
    const mappings = Object.values(stateless.findResources('AWS::Lambda::EventSourceMapping')).filter((mapping) => mapping.Properties.StartingPosition);
    expect(mappings).toHaveLength(streamConsumers.length);
    for (const consumer of streamConsumers) {
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
        FilterCriteria: { Filters: filterPatterns(consumer.entities).map((pattern) => ({ Pattern: JSON.stringify(pattern) })) },
      });
    }
    const patterns = mappings.map((mapping) => (mapping.Properties.FilterCriteria.Filters as Array<{ Pattern: string }>).map((filter) => JSON.parse(filter.Pattern)));
    for (const pattern of patterns.flat()) expect(pattern.eventName).toHaveLength(1);
    // The projector takes new records only: its own writes (an attribution summary on a transaction) never come back to it.
    expect(patterns).toContainEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['touch', 'stage', 'link', 'transaction'] } } } }]);
    // The publisher: every new record, and every new version of an attribution.
    expect(patterns).toContainEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['touch', 'stage', 'link', 'transaction', 'attribution'] } } } },
      { eventName: ['MODIFY'], dynamodb: { NewImage: { entity: { S: ['attribution'] } } } },
    ]);
  });

  it('gives every work queue a dead-letter queue, a consumer one message at a time with its concurrency, and its URL to the senders', () => {
    for (const declaration of queues) {
      stateless.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: declaration.timeoutSeconds * 2,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: declaration.maxReceiveCount },
      });
      const mappings = Object.values(stateless.findResources('AWS::Lambda::EventSourceMapping', { Properties: { BatchSize: 1, ScalingConfig: { MaximumConcurrency: declaration.maxConcurrency } } }));
      expect(mappings).toHaveLength(1);
      expect(mappings[0]!.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const functions = stateless.findResources('AWS::Lambda::Function');
      const consumer = functions[mappings[0]!.Properties.FunctionName.Ref as string];
      expect(consumer?.Properties.Timeout).toBe(declaration.timeoutSeconds);
      const senders = Object.values(functions).filter((fn) => fn.Properties.Environment?.Variables?.[declaration.urlVariable]);
      expect(senders).toHaveLength(declaration.senders.length);
    }
  });

  it('alarms on every dead-letter queue holding a message, on the projector falling behind and on a quarantined delivery, to one topic', () => {
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm'));
    const deadLetterQueues = [...Object.values(stateless.findResources('AWS::SQS::Queue'))].filter((queue) => !queue.Properties.RedrivePolicy);
    const queueAlarms = alarms.filter((alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(queueAlarms).toHaveLength(deadLetterQueues.length);
    for (const alarm of queueAlarms) expect(alarm.Properties).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 300_000,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Project') } }],
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Threshold: 300_000,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^ApplyRollups') } }],
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Baton',
      MetricName: 'QuarantinedDeliveries',
      Dimensions: [{ Name: 'service', Value: 'baton' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    stateless.resourceCountIs('AWS::SNS::Topic', 1);
    const [topic] = Object.keys(stateless.findResources('AWS::SNS::Topic'));
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    expect(Object.keys(stateless.findOutputs('*'))).toContain('AlarmTopicArn');
  });

  it('makes one rule per declared event consumer, each with retries and the dead-letter queue', () => {
    const rules = Object.values(stateless.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(eventRules.length);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets) {
        expect(target.DeadLetterConfig?.Arn).toBeDefined();
        expect(target.RetryPolicy?.MaximumRetryAttempts).toBe(8);
      }
    }
  });
});

describe('the dashboard site (docs/contract.md#the-dashboard)', () => {
  const behaviour = (path: string) => {
    const [distribution] = Object.values(stateless.findResources('AWS::CloudFront::Distribution'));
    return (distribution!.Properties.DistributionConfig.CacheBehaviors as Array<Record<string, unknown>>).find((candidate) => candidate.PathPattern === path);
  };

  it('serves the built page from a private, encrypted bucket through CloudFront with origin access control', () => {
    stateless.resourceCountIs('AWS::CloudFront::Distribution', 1);
    stateless.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
    stateless.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }) });
    stateless.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: Match.objectLike({ StringEquals: Match.anyValue() }) })]),
      }),
    });
    for (const bucket of Object.values(stateless.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    }
    stateless.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/index.html'] });
    expect(Object.keys(stateless.findOutputs('*')).some((name) => name.includes('DashboardUrl'))).toBe(true);
  });

  it('sends /v1/* to the HTTP API and the export to its streaming function URL, uncached and with every viewer header (the key) but Host', () => {
    const api = behaviour('/v1/*');
    const exports = behaviour('/v1/exports/transactions');
    expect(api).toMatchObject({ CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', ViewerProtocolPolicy: 'https-only' });
    expect(api?.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS']));
    expect(exports).toMatchObject({ CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac' });
    const [distribution] = Object.values(stateless.findResources('AWS::CloudFront::Distribution'));
    const origins = distribution?.Properties.DistributionConfig.Origins as Array<{ Id: string; DomainName: unknown }>;
    const originOf = (id: unknown) => JSON.stringify(origins.find((origin) => origin.Id === id)?.DomainName);
    const [httpApi] = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Api'));
    expect(originOf(api?.TargetOriginId)).toContain(`"${httpApi}"`);
    expect(originOf(exports?.TargetOriginId)).toContain('ExportTransactionsFunctionUrl');
    // The more specific path is matched first.
    const paths = (distribution!.Properties.DistributionConfig.CacheBehaviors as Array<{ PathPattern: string }>).map((candidate) => candidate.PathPattern);
    expect(paths.indexOf('/v1/exports/transactions')).toBeLessThan(paths.indexOf('/v1/*'));
  });

  it('answers the page with the same content security policy as the local server', () => {
    stateless.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({ ContentSecurityPolicy: { ContentSecurityPolicy: DASHBOARD_CONTENT_SECURITY_POLICY, Override: true } }),
      }),
    });
  });
});

describe('the warehouse (SPEC §15)', () => {
  const glueTypes = { string: 'string', int64: 'bigint', double: 'double', timestamp: 'timestamp' } as const;
  /** A template string as text, a `{ Ref }` as `{<logical id>}` and `Fn::Join` joined, so locations can be compared whole. */
  const text = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const object = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
    if (object.Ref) return `{${object.Ref}}`;
    if (object['Fn::Join']) return object['Fn::Join'][1].map(text).join(object['Fn::Join'][0]);
    throw new Error(`unexpected template value ${JSON.stringify(value)}`);
  };
  const only = (resources: Record<string, any>) => {
    const entries = Object.entries(resources);
    expect(entries).toHaveLength(1);
    return { id: entries[0]![0], resource: entries[0]![1] };
  };
  const warehouseBucket = () => only(stateful.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: { LogFilePrefix: 'warehouse/' } } }));
  const workgroup = () => only(stateful.findResources('AWS::Athena::WorkGroup'));
  const database = () => only(stateful.findResources('AWS::Glue::Database')).resource.Properties.DatabaseInput.Name as string;

  it('runs the export on a schedule of one window, allowed to put and get objects under the prefix of its bucket, and to list that prefix, and nothing else of S3', () => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: `rate(${WAREHOUSE_DEFAULTS.intervalMinutes} minutes)`, State: 'ENABLED' });
    const policies = Object.values(stateless.findResources('AWS::IAM::Policy'));
    const s3 = policies
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: { Action: string | string[] }) => [statement.Action].flat().some((action) => action.startsWith('s3:')));
    const written = s3.filter((statement: { Resource: unknown }) => JSON.stringify(statement.Resource).includes('baton-warehouse-'));
    expect(written.map((statement: { Action: string | string[] }) => statement.Action)).toEqual([['s3:PutObject', 's3:GetObject'], 's3:ListBucket']);
    expect(JSON.stringify(written[0].Resource)).toContain('/warehouse/*');
    expect(written[1].Condition).toEqual({ StringLike: { 's3:prefix': ['warehouse/*'] } });
    stateful.hasResourceProperties('AWS::S3::Bucket', { BucketName: { 'Fn::Join': ['', ['baton-warehouse-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] } });
    // One run at a time, and Lambda does not retry a failed one (the next scheduled run starts from the watermark).
    const exporters = Object.entries(stateless.findResources('AWS::Lambda::Function')).filter(([, fn]) => fn.Properties.Environment?.Variables?.WAREHOUSE_BUCKET);
    expect(exporters).toHaveLength(1);
    expect(exporters[0]![1].Properties.ReservedConcurrentExecutions).toBe(1);
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: exporters[0]![0] }, MaximumRetryAttempts: 0 });
  });

  it('keeps its buckets private, encrypted, SSL-only and logged; the files’ bucket aborts stale uploads', () => {
    const buckets = stateful.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(3);
    const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy'));
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(bucket.Properties.LifecycleConfiguration.Rules.length).toBeGreaterThan(0);
      const policy = policies.find((candidate) => candidate.Properties.Bucket.Ref === id);
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
      );
    }
    const { resource } = warehouseBucket();
    expect(resource.Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
    expect(resource.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }));
    expect(resource.Properties.VersioningConfiguration).toBeUndefined();
  });

  it('declares one Glue table per warehouse table: its columns in order, typed, partitioned by tenant and day with projection', () => {
    const tables = Object.values(stateful.findResources('AWS::Glue::Table'));
    expect(tables).toHaveLength(Object.keys(WAREHOUSE_TABLES).length);
    const bucket = warehouseBucket().id;
    for (const [name, declared] of Object.entries(WAREHOUSE_TABLES)) {
      const found = tables.filter((table) => table.Properties.TableInput.Name === name);
      expect(found, name).toHaveLength(1);
      const { DatabaseName, TableInput: input } = found[0]!.Properties;
      expect(DatabaseName).toBe(database());
      expect(input.TableType).toBe('EXTERNAL_TABLE');
      expect(input.StorageDescriptor.Columns).toEqual(declared.columns.map((column) => ({ Name: column.name, Type: glueTypes[column.type] })));
      expect(input.PartitionKeys).toEqual([
        { Name: 'tenant', Type: 'string' },
        { Name: 'day', Type: 'string' },
      ]);
      expect(input.StorageDescriptor).toMatchObject({
        InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      });
      const location = `s3://{${bucket}}/warehouse/v${WAREHOUSE_SCHEMA_VERSION}/${name}/`;
      expect(text(input.StorageDescriptor.Location)).toBe(location);
      expect(input.Parameters).toMatchObject({
        EXTERNAL: 'TRUE',
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.tenant.type': 'injected',
        'projection.day.type': 'date',
        'projection.day.format': 'yyyy-MM-dd',
        'projection.day.range': expect.stringMatching(/^\d{4}-\d{2}-\d{2},NOW$/),
        'projection.day.interval': '1',
        'projection.day.interval.unit': 'DAYS',
      });
      expect(text(input.Parameters['storage.location.template'])).toBe(`${location}tenant=\${tenant}/day=\${day}/`);
    }
  });

  it('has a workgroup on engine 3 that enforces SSE-S3 results in its own expiring bucket and caps the bytes a query scans', () => {
    const { resource } = workgroup();
    const configuration = resource.Properties.WorkGroupConfiguration;
    expect(configuration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
    });
    expect(configuration.BytesScannedCutoffPerQuery).toBeGreaterThan(0);
    const results = /^s3:\/\/\{(\w+)\}\/$/.exec(text(configuration.ResultConfiguration.OutputLocation))?.[1];
    expect(results).toBeDefined();
    expect(results).not.toBe(warehouseBucket().id);
    expect(stateful.toJSON().Resources[results!].Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' }));
  });

  it('saves every view of shared/warehouse/views.ts as a named query in the workgroup and the database', () => {
    const queries = Object.values(stateful.findResources('AWS::Athena::NamedQuery'));
    const views = currentViews();
    expect(queries).toHaveLength(views.length);
    for (const view of views) {
      const query = queries.find((candidate) => candidate.Properties.Name === view.name);
      expect(query?.Properties).toMatchObject({ QueryString: view.sql, Database: database(), WorkGroup: { Ref: workgroup().id } });
    }
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports nothing unacknowledged on the app: npx cdk synth succeeds offline, without Docker', () => {
    expect(synth.status, synth.stderr).toBe(0);
  });

  it('does fail synthesis on a finding, so the check above is live', () => {
    // cdk-nag's finding alone: CloudFormation's own validation (which the synthesis above runs) would cost seconds here.
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Probe');
    new Queue(stack, 'NoSsl');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/The SQS queue is not used as a dead-letter queue .*\(AwsSolutions\)/);
  });
});
