import { Aws, CfnOutput, Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type ColumnType, WAREHOUSE_SCHEMA_VERSION, WAREHOUSE_TABLE_NAMES, WAREHOUSE_TABLES, type WarehouseTableName } from '../../shared/warehouse/tables.ts';
import { currentViews } from '../../shared/warehouse/views.ts';

/** The Glue (Hive) type of each declared column type. */
export const GLUE_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = { string: 'string', int64: 'bigint', double: 'double', timestamp: 'timestamp' };

/** The first day a partition can hold: the projection's range starts here. */
export const WAREHOUSE_FIRST_DAY = '2026-01-01';

/**
 * The warehouse bucket's name, known to both stacks without a cross-stack
 * reference: the export function's policy names its objects
 * (`arn:…:s3:::<name>/<prefix>/*`) the same in every account and region.
 */
export const warehouseBucketName = (): string => `baton-warehouse-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

export interface WarehouseProps {
  /** Where the files sit in the bucket: `<prefix>/v<schema version>/<table>/tenant=<id>/day=<day>/`. */
  prefix?: string;
  /** The Glue database holding a table per entity. */
  databaseName?: string;
  /** The Athena workgroup the views are saved in. */
  workgroupName?: string;
  /** Athena cancels a query that would scan more than this. */
  bytesScannedCutoff?: Size;
}

/**
 * The warehouse export on AWS (SPEC §15): the bucket the Parquet files and
 * their manifests are written to, a Glue table per entity declared in
 * shared/warehouse/tables.ts, and an Athena workgroup with the `<table>_current`
 * views of shared/warehouse/views.ts saved as named queries.
 *
 * The tables use partition projection, so no crawler or partition
 * registration is needed: `day` is a date projection, and `tenant` is
 * *injected*, because tenant ids are not known at deploy. With an injected
 * column Athena refuses a query that does not say which tenant it reads:
 * every query must filter `tenant = '<id>'` (an equality on the partition
 * column, not on `tenant_id`), and reads that one tenant's folder only.
 */
export class Warehouse extends Construct {
  /** The Parquet files (`<prefix>/v1/<table>/…`) and their manifests (`<prefix>/v1/_manifests/…`). */
  readonly bucket: Bucket;
  readonly prefix: string;
  /** The Glue database's name. */
  readonly database: string;
  /** The Athena workgroup's name. */
  readonly workgroup: string;
  /** Where Athena writes query results (expired after a week). */
  readonly resultsBucket: Bucket;

  constructor(scope: Construct, id: string, props: WarehouseProps = {}) {
    super(scope, id);
    this.prefix = props.prefix ?? 'warehouse';
    this.database = props.databaseName ?? 'baton_warehouse';
    this.workgroup = props.workgroupName ?? 'baton-warehouse';
    const account = Stack.of(this).account;

    const logs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // S3 delivers server access logs with the log-delivery ACL here (BUCKET_OWNER_ENFORCED would turn ACLs off).
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the warehouse bucket and the Athena results bucket; logging it into itself would loop.',
    });

    // Unversioned: an erasure (§10) rewrites the files holding the person, and an old version would keep them.
    // Nothing is lost without versions: every file can be written again from the table.
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: warehouseBucketName(),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'warehouse/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    this.resultsBucket = new Bucket(this, 'QueryResults', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [{ expiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    const database = new CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: this.database, description: `Baton's warehouse export (schema version ${WAREHOUSE_SCHEMA_VERSION}): a table per entity, a <table>_current view each` },
    });

    const root = `s3://${this.bucket.bucketName}/${this.prefix}/v${WAREHOUSE_SCHEMA_VERSION}`;
    const tables = WAREHOUSE_TABLE_NAMES.map((name) => {
      const cfn = new CfnTable(this, `Table${name[0]!.toUpperCase()}${name.slice(1)}`, { catalogId: account, databaseName: this.database, tableInput: tableInput(name, `${root}/${name}/`) });
      cfn.addDependency(database);
      return cfn;
    });

    const workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workgroup,
      description: "Baton's warehouse: queries on its Glue tables and views",
      state: 'ENABLED',
      workGroupConfiguration: {
        // Clients cannot send results elsewhere, unencrypted, or to another engine.
        enforceWorkGroupConfiguration: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: (props.bytesScannedCutoff ?? Size.gibibytes(10)).toBytes(),
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: account,
        },
      },
    });

    // Saved, not run: a view is created by running its query in the workgroup (with the database selected).
    for (const view of currentViews()) {
      const query = new CfnNamedQuery(this, `View${view.name.replace(/(^|_)(\w)/g, (_match, _sep, letter: string) => letter.toUpperCase())}`, {
        name: view.name,
        description: `${view.table}: each key's current rows (shared/warehouse/views.ts). Run it once in this workgroup to create the view.`,
        database: this.database,
        workGroup: workgroup.ref,
        queryString: view.sql,
      });
      query.addDependency(workgroup);
      for (const table of tables) query.addDependency(table);
    }

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, description: `The warehouse's Parquet files, under ${this.prefix}/v${WAREHOUSE_SCHEMA_VERSION}/` });
    new CfnOutput(this, 'DatabaseName', { value: this.database, description: 'The Glue database of the warehouse tables' });
    new CfnOutput(this, 'WorkGroupName', { value: workgroup.ref, description: 'The Athena workgroup holding the views as named queries' });
  }
}

/** A warehouse table as Glue sees it: Parquet under `location`, partitioned by `tenant` and `day`, both projected. */
function tableInput(name: WarehouseTableName, location: string): CfnTable.TableInputProperty {
  const table = WAREHOUSE_TABLES[name];
  return {
    name,
    description: table.grain,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      // Injected: every query must filter `tenant = '<id>'` (see the Warehouse class comment).
      'projection.tenant.type': 'injected',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy-MM-dd',
      'projection.day.range': `${WAREHOUSE_FIRST_DAY},NOW`,
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
      'storage.location.template': `${location}tenant=\${tenant}/day=\${day}/`,
    },
    partitionKeys: [
      { name: 'tenant', type: 'string' },
      { name: 'day', type: 'string' },
    ],
    storageDescriptor: {
      location,
      columns: table.columns.map((column) => ({ name: column.name, type: GLUE_COLUMN_TYPES[column.type] })),
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', parameters: { 'serialization.format': '1' } },
    },
  };
}
