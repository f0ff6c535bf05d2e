import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * The machine's own Chromium (Debian's package; playwright's browser
 * download cannot work here), driven by playwright-core. The flags keep it
 * headless and stop it reaching for Google's hosts on a closed network.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where Chromium is, or a plain message saying how to install it. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    const error = new Error(`Chromium is needed for the browser tests: apt-get install -y chromium (Debian/Ubuntu), then npm test again. (Looked for ${path}; set CHROMIUM_PATH to use another.)`);
    error.stack = error.message;
    throw error;
  }
  return path;
}

/** An ordinary desktop Chrome's user agent: headless Chromium names itself in its own, and Baton drops bots. */
export const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/** `userAgent` is set for every request the browser makes (beacons sent while a page unloads included). */
export function launchChromium(options: { path?: string; userAgent?: string } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: options.path ?? chromiumPath(), args: [...CHROMIUM_ARGS, ...(options.userAgent ? [`--user-agent=${options.userAgent}`] : [])] });
}
