/**
 * esbuild options every function is bundled with, shared by the CDK
 * construct and by `npm run bench` (which measures the same bundles).
 */
export const bundlingOptions = {
  target: 'node22',
  // The SDK is bundled: its version is the one tested here, and one file
  // imports faster on a cold start than resolving node_modules
  // (bench/RESULTS.md measures both).
  externalModules: [] as string[],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require(); ESM has none.
  banner: "import { createRequire as __batonCreateRequire } from 'node:module'; const require = __batonCreateRequire(import.meta.url);",
};
