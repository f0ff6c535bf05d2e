import type { TestProject } from 'vitest/node';
import { buildTracker } from '../../scripts/build.ts';
import { chromiumPath } from '../support/chromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
    trackerPath: string;
  }
}

/**
 * The browser tests drive the machine's own Chromium (Debian's package; no
 * browser download) and the tracker as `npm run build` makes it.
 */
export default function setup(project: TestProject): void {
  project.provide('chromiumPath', chromiumPath());
  project.provide('trackerPath', buildTracker().path);
}
