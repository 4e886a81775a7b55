/**
 * `npm run emulators` (node tools/demo/lib/startEmulators.js): both emulators start on loopback with the sample
 * org, the printed URLs and credentials work with the official clients, and Ctrl-C stops them cleanly.
 * Runs the compiled command as a user would (`npm test` builds first).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
let child: ChildProcessWithoutNullStreams;
let output = '';

function printed(label: RegExp): string {
  const match = label.exec(output);
  if (!match?.[1]) throw new Error(`the command did not print ${label}:\n${output}`);
  return match[1];
}

beforeAll(async () => {
  child = spawn(process.execPath, [join(REPO_ROOT, 'tools/demo/lib/startEmulators.js')], { cwd: REPO_ROOT });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Press Ctrl-C" line within 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', () => output.includes('Press Ctrl-C to stop.') && (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited early (${code}):\n${output}`))));
  });
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run emulators', () => {
  it('prints an org emulator URL and token that answer a SOQL query for the sample orders', async () => {
    const instanceUrl = printed(/Salesforce org emulator\s+(\S+)/);
    const token = printed(/access token\s+(\S+)/);
    expect(instanceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const soql = encodeURIComponent('SELECT Id, OrderNumber FROM Order');
    const response = await fetch(`${instanceUrl}/services/data/v64.0/query?q=${soql}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { totalSize: number; records: { OrderNumber: string }[] };
    const listed = [...output.matchAll(/^ {2}(\d{8}) {2}/gm)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(10);
    expect(body.records.map((r) => r.OrderNumber).sort()).toEqual(expect.arrayContaining(listed));
  });

  it('prints a Stripe emulator URL and key that the official SDK can use', async () => {
    const url = new URL(printed(/Stripe emulator\s+(\S+)/));
    const stripe = new Stripe(printed(/secret key\s+(\S+)/), {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      telemetry: false,
    });
    const customer = await stripe.customers.create({ name: 'Start command check' });
    expect(customer.id).toMatch(/^cus_/);
  });

  it('stops both emulators and exits 0 on Ctrl-C (SIGINT)', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await expect(exited).resolves.toBe(0);
    const instanceUrl = printed(/Salesforce org emulator\s+(\S+)/);
    await expect(fetch(`${instanceUrl}/services/data`)).rejects.toThrow();
  });
});
