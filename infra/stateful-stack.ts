import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { tableDefinition } from '../shared/table.ts';
import { Warehouse } from './constructs/warehouse.ts';

/** What must never be replaced by a code deploy: the table, the bus and the warehouse. */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly bus: EventBus;
  /** The warehouse export's bucket, Glue tables and Athena workgroup (SPEC §15); its writer gets `warehouse.bucket.grantReadWrite(fn, `${warehouse.prefix}/*`)`. */
  readonly warehouse: Warehouse;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      dynamoStream: StreamViewType[tableDefinition.streamViewType],
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bus = new EventBus(this, 'Bus', { eventBusName: `${id}-bus` });

    this.warehouse = new Warehouse(this, 'Warehouse');
  }
}
