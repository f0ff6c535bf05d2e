import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

const projectRoot = join(import.meta.dirname, '..', '..');
const functionsDir = join(projectRoot, 'functions');

/**
 * esbuild options every function is bundled with, shared by the stack and
 * by `npm run bench` (which measures the same bundles). With `external`,
 * the AWS SDK is left out (the bench compares both).
 */
export function functionBuildOptions(options: { external?: boolean } = {}): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // The SDK is bundled: its version is the one tested here, and one file
    // imports faster on a cold start than resolving node_modules
    // (bench/RESULTS.md measures both).
    external: options.external ? ['@aws-sdk/*', '@smithy/*'] : [],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    // Some bundled CommonJS dependencies call require(); ESM has none.
    banner: { js: "import { createRequire as __batonCreateRequire } from 'node:module'; const require = __batonCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  };
}

let bundled: string | undefined;

/**
 * The folder holding `<handler>/index.mjs` (and its source map) for every
 * file of `functions/`, made by one esbuild call on first use and reused by
 * every function of the synthesis. One call for all entries parses the
 * shared code once: a synthesis takes about a quarter of the time
 * NodejsFunction's esbuild-per-function took (docs/deploy.md).
 */
export function functionBundle(handler: string): string {
  if (!bundled) {
    const outdir = mkdtempSync(join(tmpdir(), 'baton-functions-'));
    const entries = readdirSync(functionsDir).filter((file) => file.endsWith('.ts'));
    buildSync({
      ...functionBuildOptions(),
      entryPoints: Object.fromEntries(entries.map((file) => [`${file.slice(0, -'.ts'.length)}/index`, join(functionsDir, file)])),
      outdir,
      outExtension: { '.js': '.mjs' },
    });
    bundled = outdir;
    // Synthesis copies each function's folder into the cloud assembly: the bundles need not outlive the process.
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  }
  return join(bundled, handler);
}
