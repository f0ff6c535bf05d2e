/**
 * The commands of `npm run spend` (scripts/spend.ts), declared for scripts/cli.ts.
 *
 * `import` reads an ad platform's spend file and hands it to the same use
 * case as `POST /v1/spend/imports` (SPEC §12), on the table's stores
 * directly: no HTTP, so no 4 MiB body limit, only the 32 MiB a file may
 * hold. The import's answer goes to stdout as one JSON object (what the API
 * answers), a summary for people to stderr; a refused file names each bad
 * line. Importing this module runs nothing: the table is reached only once
 * a command runs, so help and usage errors need neither it nor the
 * configuration, and tests run the program in-process with `runCli`.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BatonError, UnprocessableFileError } from '../../shared/errors.ts';
import type { SpendImport } from '../../shared/spend/imported.ts';
import { SPEND_PROFILES, type SpendProfile } from '../../shared/spend/imports/profiles.ts';
import type { SpendDeps } from '../../shared/spend/use-cases.ts';
import { TenantIdSchema } from '../../shared/tenants/tenant.ts';
import { CliError, type CommandSpec, type OptionValues, type ProgramSpec, UsageError } from '../cli.ts';
import { dynamoDbLocalNotRunning, isConnectionRefused, useTableFromEnvironment } from '../local/cli-env.ts';
import { fileSize, NO_PROGRESS, type PhaseProgress, type ProgressStream, phaseProgress } from './progress.ts';

/** The largest file an import takes, as the usage states it (shared/spend/use-cases.ts's MAX_IMPORT_FILE_BYTES; a test keeps them equal). */
export const FILE_LIMIT_TEXT = '32 MiB';

/** Files larger than this show their progress while they are read, parsed and written. */
export const PROGRESS_FROM_BYTES = 1024 * 1024;

const PROFILE_NAMES: Record<SpendProfile, string> = {
  google_ads: 'Google Ads',
  meta: 'Meta',
  microsoft: 'Microsoft Advertising',
  tiktok: 'TikTok',
  linkedin: 'LinkedIn',
  generic: 'generic',
};

type ImportStores = Pick<SpendDeps, 'tenants' | 'spend' | 'periods'>;

export interface SpendCliOptions {
  /** The stores an import goes to, reached once a command runs; `local` when that is DynamoDB Local (a refused connection then means it is not running). Default: the configured table's. */
  stores?: () => Promise<{ deps: ImportStores; local: boolean }>;
  /** Where the summary and the progress go (default stderr). */
  err?: ProgressStream;
}

/** The configured table's stores: the local one of `npm start` by default, a deployed one when TABLE_NAME is set without DYNAMODB_ENDPOINT. */
async function tableStores(): Promise<{ deps: ImportStores; local: boolean }> {
  const { deployed } = useTableFromEnvironment();
  const { stores } = await import('../../shared/adapters/dynamodb/stores.ts');
  return { deps: stores(), local: !deployed };
}

/** The import's options from the command line, checked as the API checks its query. */
async function importQuery(options: OptionValues) {
  const profile = (options.profile as string | undefined) ?? 'auto';
  if (profile !== 'auto' && !(SPEND_PROFILES as readonly string[]).includes(profile)) throw new UsageError(`Invalid profile "${profile}": expected one of auto, ${SPEND_PROFILES.join(', ')}.`);
  const { SpendImportQuerySchema } = await import('../../shared/spend/use-cases.ts');
  const given = Object.fromEntries((['account', 'currency', 'locale'] as const).flatMap((name) => (options[name] === undefined ? [] : [[name, options[name]]])));
  const parsed = SpendImportQuerySchema.safeParse({ profile, ...given });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'option');
    throw new UsageError(`Invalid ${name} "${String(options[name] ?? '')}": ${issue.message.replace(/\.$/, '')}.`);
  }
  return parsed.data;
}

/** The file's bytes (gunzipped when it is gzip), or a one-line reason it cannot be read or is too large. */
async function readSpendFile(path: string, limit: number, progress: PhaseProgress, size: number): Promise<Uint8Array> {
  progress.phase(`reading ${basename(path)} (${fileSize(size)})…`);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`Cannot read ${path}: ${fileProblem(error)}`);
  });
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new CliError(tooLarge(path, `more than ${FILE_LIMIT_TEXT} once decompressed`));
    throw new CliError(`Cannot read ${path}: it starts like a gzip file but does not decompress (${(error as Error).message}).`);
  }
}

function fileProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file.';
    case 'EISDIR':
      return 'it is a directory, not a file.';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied.';
    default:
      return `${error.message}.`;
  }
}

function tooLarge(path: string, what: string): string {
  return `${path} is ${what}: an import takes files of up to ${FILE_LIMIT_TEXT}. Export a shorter date range (or fewer columns) and import each part: a re-import replaces, never adds.`;
}

/** The spend store, telling `onWrite` when the use case has read the file and begins to write its lines. */
function watchingWrites(store: SpendDeps['spend'], onWrite: (record: { rows: number }, lines: number) => void): SpendDeps['spend'] {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'saveImport') {
        const save: SpendDeps['spend']['saveImport'] = (tenantId, record, lines) => {
          onWrite(record, lines.length);
          return target.saveImport(tenantId, record, lines);
        };
        return save;
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A refused file as the user reads it: every bad line the use case names, one a line. */
function refusal(path: string, error: UnprocessableFileError): string {
  const lines = error.details.map((detail) => (detail.line ? `  line ${detail.line}: ${detail.message}` : `  ${detail.message}`));
  const bad = error.details.filter((detail) => detail.line).length;
  const head = bad > 0 ? `${path} was not imported (nothing was stored): ${bad} bad line${bad === 1 ? '' : 's'}.` : `${path} was not imported (nothing was stored).`;
  return [head, ...(lines.length > 0 ? lines : [`  ${error.message}`])].join('\n');
}

/** Minor units as a decimal with thousands separators: `12,345.67`. */
function amount(decimal: string): string {
  const [whole = '', fraction] = decimal.split('.');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** The import as people read it (stderr). */
function summary(path: string, tenantId: string, answer: Omit<SpendImport, 'totals'> & { totals: Array<{ currency: string; cost: number; costDecimal: string }> }): string {
  const zone = answer.dayZone === 'UTC' ? 'UTC days' : 'days of the ad account’s time zone';
  const rows: Array<[string, string]> = [
    ['file', `${PROFILE_NAMES[answer.profile]} (${answer.profile}), ${answer.encoding}, ${answer.delimiter === '\t' ? 'tab' : `"${answer.delimiter}"`}-separated`],
    ['account', answer.accounts.length > 1 ? `${answer.account} (and ${answer.accounts.slice(1).join(', ')})` : answer.account],
    ['days', `${answer.days.from} … ${answer.days.to} (${zone})`],
    ['lines', `${plural(answer.rows, 'row')} read → ${plural(answer.lines, 'line')}, ${plural(answer.campaigns, 'campaign')}`],
    ['cost', answer.totals.map((total) => `${total.currency} ${amount(total.costDecimal)}`).join(', ')],
    ['replaced', `${plural(answer.replaced, 'stored line')} (a re-import replaces, never adds)`],
    ['skipped', `${answer.skipped.blank} blank, ${answer.skipped.totals} totals, ${answer.skipped.footer} footer`],
    ['import', answer.importId],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const text = [`Imported ${path} into tenant ${tenantId}.`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)];
  if (answer.warnings.length > 0) text.push(`  ${plural(answer.warnings.length, 'warning')}:`, ...answer.warnings.map((warning) => `    line ${warning.line}: ${warning.message}`));
  return text.join('\n');
}

export function createSpendProgram(settings: SpendCliOptions = {}): ProgramSpec {
  const err = settings.err ?? process.stderr;
  const say = (text: string) => void err.write(text.endsWith('\n') ? text : `${text}\n`);

  const importCommand: CommandSpec = {
    name: 'import',
    summary: 'import an ad platform’s spend file as it was downloaded',
    description: [
      'Imports a spend file as Google Ads, Meta, Microsoft Advertising, TikTok or LinkedIn wrote it, or any CSV with a',
      `date, a campaign and a cost (SPEC §12): UTF-8 or UTF-16 with a byte-order mark, comma, tab or semicolon separated,`,
      `gzip-compressed or not, up to ${FILE_LIMIT_TEXT}. The whole file is checked first: a bad line refuses it, each bad line`,
      'is named, and nothing is stored. Re-importing replaces the lines of the same account, day and campaign, so the',
      'same file twice never counts twice. Prints the import as one JSON object on stdout, a summary on stderr.',
    ].join('\n'),
    args: [{ name: 'file', description: 'the file as the platform wrote it (.csv, .tsv, .txt; or .gz)' }],
    options: {
      tenant: { type: 'string', short: 't', value: 'tenantId', description: 'the tenant whose spend it is (required)' },
      profile: { type: 'string', value: 'platform', default: 'auto', description: `which platform wrote it: auto|${SPEND_PROFILES.join('|')}` },
      account: { type: 'string', value: 'account', description: 'the ad account, when the file has no account column' },
      currency: { type: 'string', value: 'code', description: 'the currency (ISO 4217), when the file names none' },
      locale: { type: 'string', value: 'locale', description: 'how the file writes numbers and dates (de-DE: 1.234,56), when a cost is ambiguous' },
    },
    examples: [
      'npm run spend -- import "Campaign report.csv" --tenant acme',
      'npm run spend -- import meta-ads-export.csv --tenant acme --account act_1029384756',
      'npm run spend -- import kosten.csv --tenant acme --profile generic --currency EUR --locale de-DE',
    ],
    run: async ({ args, options, out }) => {
      if (options.tenant === undefined) throw new UsageError('Missing --tenant <tenantId>.');
      const parsedTenant = TenantIdSchema.safeParse(options.tenant);
      if (!parsedTenant.success) throw new UsageError(`Invalid tenant id "${String(options.tenant)}": ${parsedTenant.error.issues[0]?.message}.`);
      const tenantId = parsedTenant.data;
      const query = await importQuery(options);
      const path = args.file!;
      const { importAnswer, importSpendFile, MAX_IMPORT_FILE_BYTES } = await import('../../shared/spend/use-cases.ts');

      const size = (
        await stat(path).catch((error: NodeJS.ErrnoException) => {
          throw new CliError(`Cannot read ${path}: ${fileProblem(error)}`);
        })
      ).size;
      if (size > MAX_IMPORT_FILE_BYTES) throw new CliError(tooLarge(path, `${fileSize(size)} (${size.toLocaleString('en-US')} bytes)`));
      const progress = size > PROGRESS_FROM_BYTES ? phaseProgress(err) : NO_PROGRESS;
      let answer: SpendImport;
      try {
        const bytes = await readSpendFile(path, MAX_IMPORT_FILE_BYTES, progress, size);
        const { deps, local } = await (settings.stores ?? tableStores)();
        progress.phase(`parsing ${basename(path)}…`);
        const spend = watchingWrites(deps.spend, (record, lines) => progress.phase(`parsed ${plural(record.rows, 'row')} → ${plural(lines, 'line')}; writing…`));
        try {
          answer = await importSpendFile({ tenants: deps.tenants, spend, periods: deps.periods }, tenantId, bytes, query);
        } catch (error) {
          if (local && isConnectionRefused(error)) throw new CliError(dynamoDbLocalNotRunning(process.env.DYNAMODB_ENDPOINT));
          if (error instanceof UnprocessableFileError) throw new CliError(refusal(path, error));
          if (error instanceof BatonError) throw new CliError(error.message);
          throw error;
        }
      } catch (error) {
        progress.done('not imported');
        throw error;
      }
      progress.done(`written`);
      const printed = importAnswer(answer);
      say(summary(path, tenantId, printed));
      out(JSON.stringify(printed, null, 2));
    },
  };

  return {
    invocation: 'npm run spend --',
    description: 'Imports the ad platforms’ spend files (SPEC §12) into a tenant, as POST /v1/spend/imports does.',
    commands: [importCommand],
    epilogue: [
      'Works on the local table of `npm start` (DynamoDB Local) by default. Against a deployed',
      'stack, set TABLE_NAME (with AWS credentials and AWS_REGION) and leave DYNAMODB_ENDPOINT unset.',
    ].join('\n'),
  };
}

export const spendProgram: ProgramSpec = createSpendProgram();
