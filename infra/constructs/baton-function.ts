import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, type FunctionProps, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../shared/table.ts';
import { functionBundle } from './bundling.ts';

const TABLE_READ_ACTIONS = ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem'];
const TABLE_WRITE_ACTIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];

export interface BatonFunctionProps extends Partial<Omit<FunctionProps, 'handler' | 'code'>> {
  /** `functions/<handler>.ts` */
  handler: string;
}

/**
 * Every Lambda of Baton, with the defaults they share: Node.js 22 on arm64,
 * an ESM bundle made by the local esbuild (no Docker, see bundling.ts), source maps, JSON
 * logs into a log group with a retention.
 */
export class BatonFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: BatonFunctionProps) {
    const { handler, environment, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    super(scope, id, {
      code: Code.fromAsset(functionBundle(handler)),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'baton',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...environment,
      },
      ...rest,
    });
  }

  /**
   * The table's name in TABLE_NAME and the grant, in one call so they never
   * drift apart. The grant names the table and each index exactly (no
   * `index/*`) and leaves out Scan: no code path of Baton may scan.
   */
  bindTable(table: ITableV2, access: 'read' | 'readWrite'): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    const actions = access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    this.addToRolePolicy(
      new PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn, ...tableDefinition.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`)],
      }),
    );
    return this;
  }

  bindBus(bus: IEventBus): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }
}
