/**
 * `npm run demo`: the product end to end in a minute. Starts the local Salesforce org (sample CPQ
 * orders, spec §5) and the local Stripe, syncs every sample order with a progress bar, and prints what
 * each became in Stripe — or its error and the fix. With `--serve` it then keeps them running behind
 * the Order page card and the relay, prints one page URL per sample order, and stops on Ctrl+C
 * (`--port` fixes the page server's port). With `STRIPE_API_KEY=sk_test_…` and `--target-org <alias>`
 * it talks to the real services instead (test mode only) and syncs the orders given with `--order <Id>`.
 */
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'target-org': { type: 'string', short: 'o' },
      order: { type: 'string', multiple: true },
      serve: { type: 'boolean' },
      port: { type: 'string' },
    },
  });
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${values.port}: give a port number from 0 to 65535 (0 picks a free one).`);
  const serving = await runDemo(
    { targetOrg: values['target-org'], orders: values.order, serve: values.serve, port },
    { stdout: process.stdout, stderr: process.stderr },
  );
  if (!serving) return;
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  process.stderr.write('\nStopping the Order page, the relay and the emulators…\n');
  await serving.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
