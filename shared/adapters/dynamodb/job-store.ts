import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Job, JobStore } from '../../jobs/recompute.ts';
import { jobEntity } from './entities/job.ts';

export class DynamoJobStore implements JobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(tenantId: string, job: Job): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: jobEntity.toItem(tenantId, job), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async get(tenantId: string, jobId: string): Promise<Job | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: jobEntity.key(tenantId, jobId), ConsistentRead: true }));
    return Item ? jobEntity.fromItem(Item) : undefined;
  }

  /** Days and tasks are kept as string sets: adding one twice changes nothing, and the condition keeps its counts from being added twice. */
  async progress(tenantId: string, jobId: string, work: { taskKey: string; day: string; transactions: number; people: number; dayDone: boolean }, at: string): Promise<'running' | 'done'> {
    let Attributes: Record<string, unknown> | undefined;
    try {
      ({ Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobEntity.key(tenantId, jobId),
          UpdateExpression: `ADD transactions :transactions, people :people, doneTasks :task${work.dayDone ? ', doneDays :day' : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(doneTasks, :taskKey)',
          ExpressionAttributeValues: {
            ':transactions': work.transactions,
            ':people': work.people,
            ':task': new Set([work.taskKey]),
            ':taskKey': work.taskKey,
            ...(work.dayDone ? { ':day': new Set([work.day]) } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'running'; // counted already (or the job is gone)
      throw error;
    }
    if (!work.dayDone || !Attributes) return 'running';
    const days = jobEntity.doneDays(Attributes);
    if (days.done < days.total) return 'running';
    return (await this.finish(tenantId, jobId, { status: 'done', at })) ? 'done' : 'running';
  }

  async fail(tenantId: string, jobId: string, failure: { day: string; error: string }, at: string): Promise<void> {
    await this.finish(tenantId, jobId, { status: 'failed', at, failure });
  }

  /** A running job ends once: done, or failed; whichever comes first stays. */
  private async finish(tenantId: string, jobId: string, end: { status: 'done' | 'failed'; at: string; failure?: { day: string; error: string } }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobEntity.key(tenantId, jobId),
          UpdateExpression: `SET #status = :status, finishedAt = :at${end.failure ? ', failure = :failure' : ''}`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': end.status, ':running': 'running', ':at': end.at, ...(end.failure ? { ':failure': end.failure } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    }
  }
}
