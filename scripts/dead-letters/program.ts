/** The commands of `npm run dead-letters` (scripts/dead-letters.ts), declared for scripts/cli.ts. */
import { connect } from 'node:net';
import type { QuarantinedDelivery } from '../../shared/webhooks/quarantine.ts';
import type { WebhookDeps } from '../../shared/webhooks/receive.ts';
import { CliError, type CommandInput, type CommandSpec, type OptionSpec, type OptionValues, type ProgramSpec, UsageError } from '../cli.ts';
import { dynamoDbLocalNotRunning, useTableFromEnvironment } from '../local/cli-env.ts';
import { defaultDeadLetterFile } from '../local/dead-letter-file.ts';
import { type LetterRow, type RedriveOutcome, renderTable, resolveIds } from './view.ts';

// Our report is the output; the handlers' own logs only on request (POWERTOOLS_LOG_LEVEL=INFO).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const where: Record<string, OptionSpec> = {
  'queue-url': { type: 'string', value: 'url', description: 'the deployed stack’s dead-letter queue (output DeadLetterQueueUrl; or DEAD_LETTER_QUEUE_URL)' },
  file: { type: 'string', value: 'path', description: 'the local letter file (default .data/dead-letters.ndjson)' },
  json: { type: 'boolean', description: 'print JSON instead of a table' },
};

type Source = { mode: 'file'; file: string } | { mode: 'queue'; queueUrl: string };

function source(options: OptionValues): Source {
  const queueUrl = (options['queue-url'] as string | undefined) ?? process.env.DEAD_LETTER_QUEUE_URL;
  if (options['queue-url'] !== undefined && options.file !== undefined) throw new UsageError('Give --queue-url or --file, not both.');
  if (queueUrl && options.file === undefined) {
    if (!/^https?:\/\//.test(queueUrl)) throw new UsageError(`"${queueUrl}" is not a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>).`);
    return { mode: 'queue', queueUrl };
  }
  return { mode: 'file', file: (options.file as string | undefined) ?? defaultDeadLetterFile };
}

/** The queue's region: the one its URL names (a queue lives in one), else AWS_REGION. */
function regionOf(queueUrl: string): string | undefined {
  return /sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(queueUrl)?.[1] ?? process.env.AWS_REGION;
}

async function queueDeps(queueUrl: string) {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const { DynamoDBStreamsClient } = await import('@aws-sdk/client-dynamodb-streams');
  const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
  const region = regionOf(queueUrl);
  let lambda: InstanceType<typeof LambdaClient> | undefined;
  const streams = new Map<string, InstanceType<typeof DynamoDBStreamsClient>>();
  return {
    queueUrl,
    region,
    sqs: new SQSClient(region ? { region } : {}),
    streams: (streamRegion: string) => {
      let client = streams.get(streamRegion);
      if (!client) streams.set(streamRegion, (client = new DynamoDBStreamsClient(streamRegion ? { region: streamRegion } : {})));
      return client;
    },
    invoke: async (functionArn: string, payload: unknown) => {
      lambda ??= new LambdaClient(region ? { region } : {});
      const answer = await lambda.send(new InvokeCommand({ FunctionName: functionArn, Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
      const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
      if (answer.FunctionError) throw new Error(`${functionArn.split(':').pop()} failed: ${text}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
  };
}

function describeSource(from: Source): string {
  return from.mode === 'file' ? from.file : from.queueUrl;
}

function printRows(rows: LetterRow[], from: Source, json: boolean, io: Pick<CommandInput, 'out' | 'err'>, unreadable = 0): void {
  if (json) io.out(JSON.stringify(rows, null, 2));
  else io.out(renderTable(rows, describeSource(from)));
  if (unreadable > 0) io.err(`${unreadable} line${unreadable === 1 ? '' : 's'} of ${describeSource(from)} ${unreadable === 1 ? 'is' : 'are'} not a dead letter; left as they are.`);
}

function printOutcomes(outcomes: RedriveOutcome[], from: Source, json: boolean, out: (text: string) => void): void {
  if (json) {
    out(JSON.stringify(outcomes, null, 2));
    return;
  }
  if (outcomes.length === 0) {
    out(`No dead letters to redrive in ${describeSource(from)}.`);
    return;
  }
  for (const outcome of outcomes) out(`${outcome.ok ? 'redriven' : 'kept    '}  ${outcome.id}  ${outcome.message}`);
  const redriven = outcomes.filter((outcome) => outcome.ok).length;
  out(`\n${redriven} redriven and removed, ${outcomes.length - redriven} kept (with one more attempt) in ${describeSource(from)}.`);
}

/** Fails with the usual sentence before any letter is touched when DynamoDB Local is not up. */
async function assertLocalTableReachable(): Promise<void> {
  const { deployed } = useTableFromEnvironment();
  if (deployed) return;
  if (!(await localTableReachable())) throw new CliError(dynamoDbLocalNotRunning(process.env.DYNAMODB_ENDPOINT));
}

async function localTableReachable(): Promise<boolean> {
  const endpoint = new URL(process.env.DYNAMODB_ENDPOINT!);
  const open = await new Promise<boolean>((done) => {
    const socket = connect(Number(endpoint.port || 80), endpoint.hostname);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
  return open;
}

/**
 * The quarantined webhook deliveries of the table this command works on:
 * DynamoDB Local by default, the deployed table with TABLE_NAME (the stack's
 * output TableName). When that table cannot be reached, a note says why
 * and the other letters are still shown.
 */
async function quarantined(from: Source): Promise<{ deliveries: QuarantinedDelivery[]; deps?: WebhookDeps; note?: string }> {
  if (from.mode === 'queue' && process.env.TABLE_NAME === undefined) {
    return { deliveries: [], note: 'Quarantined webhook deliveries are kept in the table: set TABLE_NAME (the stack’s output TableName) to list and redrive them.' };
  }
  const { deployed } = useTableFromEnvironment();
  if (!deployed && !(await localTableReachable())) {
    return { deliveries: [], note: `Quarantined webhook deliveries are kept in the table: ${dynamoDbLocalNotRunning(process.env.DYNAMODB_ENDPOINT)} to list them.` };
  }
  const { stores } = await import('../../shared/adapters/dynamodb/stores.ts');
  const deps = stores();
  try {
    return { deliveries: await deps.quarantine.list(), deps };
  } catch (error) {
    // The letters are still worth showing when the table cannot be read (no credentials for it, another region).
    return { deliveries: [], note: `Quarantined webhook deliveries could not be read from table ${process.env.TABLE_NAME}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Redrives the quarantined deliveries asked for (all, or by id), through the mapping; their outcomes. */
async function redriveWebhooks(from: Source, wanted: 'all' | readonly string[], err: (text: string) => void): Promise<RedriveOutcome[]> {
  if (wanted !== 'all' && wanted.length === 0) return [];
  const { deliveries, deps, note } = await quarantined(from);
  if (!deps) {
    if (wanted !== 'all') throw new CliError(note!);
    // Locally the letters' own check says DynamoDB Local is down; deployed, the table is named separately.
    if (from.mode === 'queue' && note) err(note);
    return [];
  }
  let chosen = deliveries;
  if (wanted !== 'all') {
    const { found, problems } = resolveIds(
      wanted,
      deliveries.map((delivery) => delivery.id),
    );
    if (problems.length > 0) throw new CliError(problems.join(' '));
    chosen = deliveries.filter((delivery) => found.has(delivery.id));
  }
  if (chosen.length === 0) return [];
  const { redriveQuarantined } = await import('./quarantine-mode.ts');
  return redriveQuarantined(deps, chosen);
}

const commands: CommandSpec[] = [
  {
    name: 'list',
    summary: 'show the dead letters: id, when, rule → target, detail-type, tenant, attempts, error',
    description: [
      'Shows the dead letters: deliveries that kept failing (an event, or a batch of the table’s stream), and the',
      'quarantined webhook deliveries (ids wh_…): signed and genuine, acknowledged, but not mappable when they came.',
      'Locally those `npm start` kept in .data/dead-letters.ndjson; with --queue-url, the messages of the',
      'deployed stack’s dead-letter queue (received with a short visibility timeout and released again, none deleted).',
    ].join('\n'),
    options: where,
    examples: ['npm run dead-letters -- list', 'npm run dead-letters -- list --json', 'npm run dead-letters -- list --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/Baton-DeadLetters…'],
    run: async ({ options, out, err }) => {
      const from = source(options);
      const json = options.json === true;
      const webhooks = await quarantined(from);
      const { rowOfDelivery } = await import('./quarantine-mode.ts');
      const webhookRows = webhooks.deliveries.map((delivery) => (json ? { ...rowOfDelivery(delivery), body: delivery.rawBody.toString('utf8') } : rowOfDelivery(delivery)));
      if (from.mode === 'file') {
        const { listFile } = await import('./file-mode.ts');
        const { rows, unreadable } = listFile(from.file);
        printRows([...rows, ...webhookRows], from, json, { out, err }, unreadable);
      } else {
        const { listQueue } = await import('./queue-mode.ts');
        const letters = await listQueue(await queueDeps(from.queueUrl));
        printRows([...(letters.map(({ message: _message, body: _body, ...row }) => (json ? { ...row, body: _body } : row)) as LetterRow[]), ...webhookRows], from, json, { out, err });
      }
      if (webhooks.note) err(webhooks.note);
    },
  },
  {
    name: 'redrive',
    summary: 'deliver the dead letters (or those --id names) again; remove those that succeed',
    description: [
      'Delivers each dead letter again, or only those --id names (a full id or a prefix only it starts with).',
      'Locally, in this process: an event to its rule’s target (functions/<target>.ts); the stream publisher’s',
      'batch as the events its records stand for, to every rule’s target that takes them; another stream',
      'consumer’s batch (the projector’s) to that consumer again; a queue message to its target. With',
      '--queue-url: the event(s) are put on the bus again; a stream batch is read back from the stream (which',
      'keeps 24 hours), the publisher’s as events, the projector’s invoked on its function again. A letter that',
      'succeeds is removed; one that fails stays, with one more attempt and its new error. Consumers are',
      'idempotent, so redriving twice changes nothing. Safe while `npm start` runs. A quarantined webhook delivery',
      '(wh_…) is mapped and stored again from its raw body (its signature was checked when it came): removed when',
      'it now maps, kept with its new error when not.',
    ].join('\n'),
    options: {
      id: { type: 'string', multiple: true, value: 'id', description: 'only this letter (give it again for more)' },
      ...where,
      bus: { type: 'string', value: 'name', description: 'with --queue-url: the stack’s event bus (output EventBusName; or EVENT_BUS_NAME)' },
    },
    examples: ['npm run dead-letters -- redrive', 'npm run dead-letters -- redrive --id 3f2a9c', 'npm run dead-letters -- redrive --queue-url https://sqs.… --bus baton-events'],
    run: async ({ options, out, err }) => {
      const from = source(options);
      const asked = (options.id as string[] | undefined) ?? [];
      const json = options.json === true;
      if (from.mode === 'file' && options.bus !== undefined) throw new UsageError('--bus goes with --queue-url: locally the letters go straight to their handlers.');
      // Quarantined webhook deliveries (ids `wh_…`) are redriven through the mapping, from the table.
      const webhookIds = asked.filter((id) => id.startsWith('wh_'));
      const ids = asked.filter((id) => !id.startsWith('wh_'));
      const webhooks = await redriveWebhooks(from, asked.length === 0 ? 'all' : webhookIds, err);
      if (asked.length > 0 && ids.length === 0) {
        printOutcomes(webhooks, from, json, out);
        if (webhooks.some((outcome) => !outcome.ok)) throw new CliError('Some quarantined deliveries could not be redriven; they stay quarantined.');
        return;
      }
      if (from.mode === 'file') {
        const { listFile, redriveFile, UnknownLetterError } = await import('./file-mode.ts');
        if (listFile(from.file).letters.length === 0) {
          if (ids.length > 0) throw new CliError(`No dead letter has the id ${ids.map((id) => `"${id}"`).join(', ')}: ${from.file} holds none.`);
          printOutcomes(webhooks, from, json, out);
          if (webhooks.some((outcome) => !outcome.ok)) throw new CliError('Some quarantined deliveries could not be redriven; they stay quarantined.');
          return;
        }
        await assertLocalTableReachable();
        const { eventRules } = await import('../../shared/events/rules.ts');
        const { functionLoader } = await import('../local/handlers.ts');
        const { loadHandler } = functionLoader();
        let outcomes: RedriveOutcome[];
        try {
          outcomes = await redriveFile({ file: from.file, ids, rules: eventRules, loadHandler });
        } catch (error) {
          if (error instanceof UnknownLetterError) throw new CliError(error.message);
          throw error;
        }
        printOutcomes([...webhooks, ...outcomes], from, json, out);
        if ([...webhooks, ...outcomes].some((outcome) => !outcome.ok)) throw new CliError('Some letters could not be redriven; they stay in the file (or quarantined).');
        return;
      }
      const busName = (options.bus as string | undefined) ?? process.env.EVENT_BUS_NAME;
      if (!busName) throw new UsageError('redrive needs the event bus: --bus <name> or EVENT_BUS_NAME (the stack’s output EventBusName).');
      const deps = await queueDeps(from.queueUrl);
      const { EventBridgeClient } = await import('@aws-sdk/client-eventbridge');
      const { EventBridgePublisher } = await import('../../shared/adapters/eventbridge/publisher.ts');
      const { redriveQueue } = await import('./queue-mode.ts');
      const publisher = new EventBridgePublisher(new EventBridgeClient(deps.region ? { region: deps.region } : {}), busName);
      const { outcomes, missing } = await redriveQueue({ ...deps, publisher, ids });
      printOutcomes([...webhooks, ...outcomes], from, json, out);
      if (missing.length > 0) throw new CliError(`No message in the queue has the id ${missing.map((id) => `"${id}"`).join(', ')}.`);
      if ([...webhooks, ...outcomes].some((outcome) => !outcome.ok)) throw new CliError('Some messages could not be redriven; they stay in the queue (or quarantined).');
    },
  },
];

export const deadLettersProgram: ProgramSpec = {
  invocation: 'npm run dead-letters --',
  description: 'Lists the deliveries that kept failing, and delivers them again.',
  commands,
  epilogue: [
    'Locally: .data/dead-letters.ndjson, which `npm start` writes (DynamoDB Local must run to redrive).',
    'Deployed: --queue-url (or DEAD_LETTER_QUEUE_URL) and, to redrive, --bus (or EVENT_BUS_NAME): the stateless',
    'stack’s outputs DeadLetterQueueUrl and EventBusName; AWS credentials and AWS_REGION as usual.',
  ].join('\n'),
};
