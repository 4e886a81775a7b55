// Runs the Stripe emulator's tests with every answer checked against Stripe's response schemas, adds up what
// each test file's ConformanceRecorder counted, and prints the README's conformance table by route.
//   node scripts/stripeEmulatorConformance.mjs           print the table
//   node scripts/stripeEmulatorConformance.mjs --write   also replace it in emulators/stripe/README.md
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'stripe-conformance-'));
const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '-c',
    'test/jest.config.mjs',
    '--runInBand',
    'test/emulators/stripe',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, STRIPE_CONFORMANCE_DIR: dir } },
);
const totals = new Map();
for (const file of readdirSync(dir)) {
  for (const [route, counts] of Object.entries(JSON.parse(readFileSync(join(dir, file), 'utf8')))) {
    const total = totals.get(route) ?? { served: 0, validated: 0, invalidTried: 0, invalidRefused: 0 };
    for (const key of Object.keys(total)) total[key] += counts[key];
    totals.set(route, total);
  }
}
rmSync(dir, { recursive: true, force: true });

const routes = [...totals.keys()]
  .filter((r) => r.includes('/v1/'))
  .sort((a, b) => a.split(' ')[1].localeCompare(b.split(' ')[1]) || a.localeCompare(b));
const sum = (key) => routes.reduce((n, r) => n + totals.get(r)[key], 0);
const lines = [
  '| Route | Responses validated / served | Invalid requests refused / tried |',
  '|---|---|---|',
  ...routes.map((r) => {
    const t = totals.get(r);
    return `| \`${r}\` | ${t.validated} / ${t.served} | ${t.invalidTried ? `${t.invalidRefused} / ${t.invalidTried}` : '–'} |`;
  }),
  `| **All ${routes.length} routes** | **${sum('validated')} / ${sum('served')}** | **${sum('invalidRefused')} / ${sum('invalidTried')}** |`,
];
const table = lines.join('\n');
console.log(table);
if (jest.status !== 0)
  console.error(
    `\nThe emulator's tests did not all pass (jest exit ${jest.status}): the counts above are of a failing run.`,
  );
if (process.argv.includes('--write')) {
  const readme = 'emulators/stripe/README.md';
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- conformance-table:start -->';
  const end = '<!-- conformance-table:end -->';
  if (!text.includes(start)) throw new Error(`${readme} has no ${start} marker`);
  writeFileSync(readme, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`));
}
process.exit(jest.status ?? 1);
