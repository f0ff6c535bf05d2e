import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionAccess } from '../../infra/stateless-stack.ts';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from '../../scripts/build.ts';
import { eventRules } from '../../shared/events/rules.ts';
import { filterPatterns } from '../../shared/events/stream-changes.ts';
import { streamConsumers } from '../../shared/events/stream-consumers.ts';
import { queues } from '../../shared/queues.ts';
import { routeHandlers, routes } from '../../shared/routes.ts';
import { tableDefinition } from '../../shared/table.ts';

let stateful: Template;
let stateless: Template;
let synth: { status: number | null; stderr: string };

/**
 * One synthesis, the way a user runs it: `npx cdk synth` through cdk.json, offline and
 * without Docker (the functions are bundled by esbuild in process). cdk-nag runs during it:
 * an unacknowledged finding makes it fail. The assertions below read the templates it wrote.
 */
beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'baton-synth-'));
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
  it('creates one Node.js 22 arm64 function per handler, plus the authorizer', () => {
    const functions = stateless.findResources('AWS::Lambda::Function');
    // Ours are Node.js; CDK's own (the dashboard's deployment handler) is Python.
    const ours = Object.values(functions).filter((fn) => fn.Properties.Handler === 'index.handler' && String(fn.Properties.Runtime).startsWith('nodejs'));
    const consumers = [...streamConsumers.map((consumer) => consumer.target), ...queues.map((queue) => queue.target), ...eventRules.map((rule) => rule.target)];
    expect(ours).toHaveLength(new Set([...routeHandlers(), 'authorizer', ...consumers]).size);
    for (const fn of ours) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
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

describe('cdk-nag (AwsSolutions)', () => {
  it('reports nothing unacknowledged on the app: npx cdk synth succeeds offline, without Docker', () => {
    expect(synth.status, synth.stderr).toBe(0);
  });

  it('does fail synthesis on a finding, so the check above is live', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Queue(stack, 'NoSsl');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
  });
});
