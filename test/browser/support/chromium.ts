/** The system's Chromium (CHROMIUM_PATH, or `chromium`/`chromium-browser` on PATH) through playwright-core; never downloads a browser. */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Where scripts/setup.sh looks, in the same order. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) {
    if (!existsSync(process.env.CHROMIUM_PATH))
      throw new Error(
        `CHROMIUM_PATH is ${process.env.CHROMIUM_PATH}, which does not exist: point it at a Chromium or Chrome binary.`,
      );
    return process.env.CHROMIUM_PATH;
  }
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser']) {
    const found = dirs.map((dir) => join(dir, name)).find((file) => existsSync(file));
    if (found) return found;
  }
  throw new Error(
    "No Chromium found for the browser test: run `npm run setup` (installs Debian's chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary.",
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}
