/**
 * `npm run emulators` / `node tools/demo/lib/startEmulators.js [--port-salesforce N] [--port-stripe N] [--multi-currency]`:
 * starts the Salesforce org emulator (with the sample CPQ org; single-currency unless --multi-currency,
 * which adds CurrencyIsoCode and the EUR order S15) and the Stripe emulator on loopback,
 * prints their URLs, the credentials and how to log the `sf` CLI in, and stops cleanly on Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator } from '@stripe-cpq/stripe-emulator';

function port(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new Error(`--${flag} must be a port number (0–65535), got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-salesforce': { type: 'string' },
      'port-stripe': { type: 'string' },
      'multi-currency': { type: 'boolean' },
    },
  });
  const salesforce = await startSalesforceEmulator({
    port: port(values['port-salesforce'], 'port-salesforce'),
    multiCurrency: values['multi-currency'] === true,
  });
  const stripe = await startStripeEmulator({ port: port(values['port-stripe'], 'port-stripe') });

  const lines = [
    `Salesforce org emulator  ${salesforce.instanceUrl}`,
    `  access token           ${salesforce.accessToken}`,
    `  org / user             ${salesforce.orgId} / ${salesforce.username}`,
    `Stripe emulator          ${stripe.url}`,
    `  secret key             ${stripe.apiKey}`,
    '',
    'Log the sf CLI in to the org emulator:',
    `  SF_ACCESS_TOKEN='${salesforce.accessToken}' sf org login access-token --instance-url ${salesforce.instanceUrl} --no-prompt --alias cpq-emulator`,
    `  sf data query --target-org cpq-emulator --query "SELECT Id, OrderNumber, Name, (SELECT Id FROM OrderItems) FROM Order"`,
    '',
    `Sample orders (today = ${salesforce.sample?.today ?? 'n/a'}):`,
    ...(salesforce.sample?.orders ?? []).map((o) => `  ${o.orderNumber}  ${o.scenario.padEnd(12)} ${o.description}`),
    '',
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));

  const stop = (): void => {
    Promise.all([salesforce.close(), stripe.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
