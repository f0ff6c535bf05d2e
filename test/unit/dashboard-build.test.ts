import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildDashboard, DASHBOARD_ENTRY } from '../../scripts/build.ts';

describe('the dashboard build (npm run build)', () => {
  it('makes a page, one hashed script and one hashed stylesheet, with everything bundled (no CDN, no external import)', () => {
    const { files, gzipBytes } = buildDashboard();
    expect(files.map((file) => file.path)).toEqual(['/index.html', expect.stringMatching(/^\/assets\/app-[A-Z0-9]+\.js$/), expect.stringMatching(/^\/assets\/app-[A-Z0-9]+\.css$/)]);
    const [page, script, style] = files.map((file) => Buffer.from(file.body).toString('utf8')) as [string, string, string];
    expect(page).toContain(`src="${files[1]!.path}"`);
    expect(page).toContain(`href="${files[2]!.path}"`);
    expect(script).not.toMatch(/^import|[;}]import[\s{*"']|\bimport\(/); // one module: nothing left to fetch
    expect(script).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // the SVG namespace is the only URL
    expect(style).toContain('.u-legend'); // uPlot's stylesheet is bundled too
    expect(gzipBytes).toBe(gzipSync(files[1]!.body).length + gzipSync(files[2]!.body).length);
    expect(files[0]!.immutable).toBe(false);
    expect(files.slice(1).every((file) => file.immutable)).toBe(true);
  });

  it('type-checks the dashboard under its own tsconfig (DOM, JSX for preact, strict)', () => {
    const directory = join(dirname(DASHBOARD_ENTRY), '..');
    const { config } = ts.readConfigFile(join(directory, 'tsconfig.json'), (file) => ts.sys.readFile(file));
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, directory);
    const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(parsed.fileNames, parsed.options));

    expect(parsed.fileNames).toContain(DASHBOARD_ENTRY);
    expect(diagnostics.map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)).toEqual([]);
  }, 60_000);
});
