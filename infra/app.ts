import { App, Validations } from 'aws-cdk-lib';
import { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildTracker } from '../scripts/build.ts';
import { DashboardSite } from './constructs/dashboard-site.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

/** Builds the app: data in one stack, code in another (STYLE: split by lifecycle). */
export function buildApp(app: App = new App()): { app: App; stateful: StatefulStack; stateless: StatelessStack } {
  // The functions bundle the built tracker (GET /v1/baton.js serves it): build it first.
  buildTracker();
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stateful = new StatefulStack(app, 'BatonStateful', { env, description: 'Baton: table and event bus' });
  const stateless = new StatelessStack(app, 'BatonStateless', {
    env,
    description: 'Baton: functions, HTTP API, event rules, dead letters',
    table: stateful.table,
    bus: stateful.bus,
    warehouse: { prefix: stateful.warehouse.prefix },
  });
  // The dashboard on the API's origin; the export is served by its streaming function URL (see StatelessStack.addStreamingUrl).
  const exportUrl = stateless.functions.get('export-transactions')?.node.tryFindChild('FunctionUrl');
  if (!(exportUrl instanceof FunctionUrl)) throw new Error('infra/app.ts: the export function has no URL for the dashboard to route to');
  new DashboardSite(stateless, 'Dashboard', { api: stateless.api, exportUrl });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
