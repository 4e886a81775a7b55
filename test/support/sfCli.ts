/**
 * The real `sf` binary logged into an org emulator, with all of its state (auth files, config, cache)
 * in a temporary home so tests never touch the user's. Runs on the repository's Node 22 and
 * asynchronously, so an in-process emulator keeps answering while `sf` runs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { jest } from '@jest/globals';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = join(REPO_ROOT, 'node_modules/.bin/node');
const SF = join(REPO_ROOT, 'node_modules/@salesforce/cli/bin/run.js');

export interface SfResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The parsed `--json` output, when stdout is JSON. */
  readonly json: { status: number; result?: unknown; message?: string; name?: string; warnings?: string[] } | undefined;
}

export interface SfCliSession {
  /** The alias the org is known by (`--target-org`). */
  readonly alias: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** What `sf org login access-token --json` answered. */
  readonly login: SfResult;
  /** Runs `sf <args>` in this session's home. */
  run(args: readonly string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<SfResult>;
  /** Deletes the temporary home. */
  cleanup(): Promise<void>;
}

/** An `sf` environment whose state lives under `home`, without telemetry, update checks or spinners. */
export function sfEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    NO_COLOR: '1',
  };
}

export function runSf(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<SfResult> {
  return new Promise((resolveRun) => {
    execFile(
      NODE,
      [SF, ...args],
      { env, cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: SfResult['json'];
        try {
          json = JSON.parse(stdout) as SfResult['json'];
        } catch {
          json = undefined;
        }
        resolveRun({ exitCode, stdout, stderr, json });
      },
    );
  });
}

/** A temporary `sf` home logged into the org at `instanceUrl` with `sf org login access-token`. */
export async function loginSfCli(
  org: { instanceUrl: string; accessToken: string },
  alias = 'emulator',
): Promise<SfCliSession> {
  const home = await mkdtemp(join(tmpdir(), 'sf-cli-'));
  const env = sfEnv(home);
  const run: SfCliSession['run'] = (args, options = {}) =>
    runSf(args, { ...env, ...(options.env ?? {}) }, options.timeoutMs);
  const cleanup = (): Promise<void> => rm(home, { recursive: true, force: true });
  const login = await run(
    ['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--no-prompt', '--alias', alias, '--json'],
    {
      env: { SF_ACCESS_TOKEN: org.accessToken },
    },
  );
  if (login.exitCode !== 0) {
    await cleanup();
    throw new Error(`sf org login access-token failed (exit ${login.exitCode}): ${login.stdout || login.stderr}`);
  }
  return { alias, home, env, login, run, cleanup };
}

/**
 * Points @salesforce/core's state folders (`~/.sf`, `~/.sfdx`) at a fresh temporary home for this
 * test file, for in-process use of AuthInfo/Connection/Org. Call before importing @salesforce/core.
 */
export function useTemporarySfHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'sfcore-'));
  for (const dir of ['.sf', '.sfdx']) mkdirSync(join(home, dir));
  writeFileSync(join(home, '.sfdx', 'alias.json'), '{"orgs":{}}');
  jest.spyOn(os, 'homedir').mockReturnValue(home);
  return home;
}

/** This repository's plugin, linked into a session's CLI the offline way: `--no-install` only records the
 *  link (no npm or yarn run in the plugin). Linked ESM plugins run from their compiled lib. */
export const PLUGIN_DIR = resolve(REPO_ROOT, 'plugin');

export async function linkPlugin(sf: SfCliSession): Promise<void> {
  if (!existsSync(resolve(PLUGIN_DIR, 'lib/commands/stripe/cpq')))
    throw new Error('Build the plugin first: npm run build');
  const link = await sf.run(['plugins', 'link', PLUGIN_DIR, '--no-install']);
  if (link.exitCode !== 0) throw new Error(`sf plugins link failed: ${link.stderr}`);
}
