import { CfnOutput, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AllowedMethods, CachePolicy, Distribution, HeadersFrameOption, HeadersReferrerPolicy, OriginRequestPolicy, ResponseHeadersPolicy, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IFunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildDashboard, DASHBOARD_CONTENT_SECURITY_POLICY, DASHBOARD_DIST } from '../../scripts/build.ts';

export interface DashboardSiteProps {
  /** Answers `/v1/*`. */
  api: HttpApi;
  /** The export's response-streaming function URL, which answers `/v1/exports/transactions` (API Gateway would buffer it). */
  exportUrl: IFunctionUrl;
}

/**
 * The dashboard on the API's own origin (docs/contract.md#the-dashboard): CloudFront serves the
 * built page and assets from a private bucket (origin access control) and
 * sends `/v1/*` to the HTTP API, the export to its streaming function URL.
 * One origin, so the dashboard's calls need no CORS, and the key travels
 * only in the Authorization header, which reaches the origins uncached.
 */
export class DashboardSite extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    // Built at synth, as the functions are bundled at synth.
    buildDashboard({ write: true });

    const logs = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket of the site bucket and the distribution; logging it into itself would loop.' });

    const site = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
    });

    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: DASHBOARD_CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    // Nothing through the API is cached: every answer depends on the key, and the key must reach the origin.
    const toOrigin = {
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Baton: the dashboard and its API on one origin',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        '/v1/exports/transactions': { origin: new FunctionUrlOrigin(props.exportUrl), allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS, ...toOrigin },
        '/v1/*': { origin: new HttpOrigin(apiHost), allowedMethods: AllowedMethods.ALLOW_ALL, ...toOrigin },
      },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Marketers and finance sign in from anywhere; access is by API key, not by country.' },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The API behind /v1/* is throttled by API Gateway (rate and burst limits) and every read needs a key; the bucket holds only public build output. Attach a web ACL here if the tenant’s policy asks for one.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront sets; a custom domain with its own certificate would set TLSv1.2_2021.',
      },
    );

    // Hashed assets are immutable; the page is revalidated so a deploy shows at once.
    const assets = new BucketDeployment(this, 'Assets', {
      sources: [Source.asset(DASHBOARD_DIST, { exclude: ['index.html'] })],
      destinationBucket: site,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
    });
    const page = new BucketDeployment(this, 'Page', {
      sources: [Source.asset(DASHBOARD_DIST, { exclude: ['*', '!index.html'] })],
      destinationBucket: site,
      cacheControl: [CacheControl.noCache()],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html'],
    });
    page.node.addDependency(assets);
    // CDK's deployment handler (one per stack, shared by both deployments) copies the build from the assets bucket into the site bucket.
    const stack = Stack.of(this);
    const siteId = stack.getLogicalId(site.node.defaultChild as CfnBucket);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const copyReason =
      'CDK’s BucketDeployment handler: it reads the build from the CDK assets bucket, writes and replaces it in the site bucket (grants CDK scopes to those two buckets), and invalidates the page in CloudFront (no resource-level permission).';
    Validations.of(assets.handlerRole).acknowledge(
      ...[
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        'Resource::*',
        `Resource::<${siteId}.Arn>/*`,
        `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${region}/*`,
      ].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: copyReason,
      })),
    );

    new CfnOutput(this, 'DashboardUrl', { value: `https://${this.distribution.distributionDomainName}/`, description: 'The dashboard, and the API on the same origin (/v1/*)' });
  }
}
