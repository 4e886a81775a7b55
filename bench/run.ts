// `npm run bench`: runs every bench/*.bench.ts file and prints one table of figures.
// A bench file default-exports an async function returning rows; it imports the compiled plugin
// (../plugin/lib/…) and the emulators by package name (emulators/*/lib), which `npm run bench` builds
// first. Figures, not pass/fail: goals are shown beside them. A run takes 10 minutes or more: the relay's idle
// window alone is 300 s (BENCH_IDLE_SECONDS) and the 10,000-order backfill (BACKFILL_ORDERS) needs 200 s of
// Stripe requests at its 250 ops/s ceiling; other load on the machine stretches both the backfill and the rest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  goal?: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** `node bench/run.ts --one <file> <rows.json>`: runs one bench file and writes its rows (the child's side). */
const one = process.argv.indexOf('--one');
if (one !== -1) {
  const [file = '', out = ''] = process.argv.slice(one + 1);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<BenchRow[]> };
  writeFileSync(out, JSON.stringify(await mod.default()));
  process.exit(0);
}

process.stderr.write(
  'npm run bench: 10 minutes or more with the defaults (a 300 s idle window, a 10,000-order backfill)\n',
);
const loadBefore = loadavg()[0] ?? 0;
const started = performance.now();
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const rows: BenchRow[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'bench-'));
// Each file in a process of its own: a heap left large by one bench (the backfill) would slow the next.
for (const file of files) {
  process.stderr.write(`running ${file}…\n`);
  const out = join(scratch, `${file}.json`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', file, out], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`${file} failed (exit ${String(child.status)})`);
  rows.push(...(JSON.parse(readFileSync(out, 'utf8')) as BenchRow[]));
}

rmSync(scratch, { recursive: true, force: true });

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const minutes = (performance.now() - started) / 60_000;
console.log(`Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
// Other work on a shared machine slows every wall-clock figure: the load average says how much there was.
console.log(
  `Run: ${minutes.toFixed(1)} min, load average (1 min) ${loadBefore.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end\n`,
);
const table = rows.map((r) => ({
  benchmark: r.name,
  figure: `${formatNumber(r.value)} ${r.unit}`,
  goal: r.goal ?? '',
}));
const widths = ['benchmark', 'figure', 'goal'].map((k) =>
  Math.max(k.length, ...table.map((r) => r[k as keyof typeof r].length)),
);
const line = (cells: string[]): string =>
  cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
console.log(line(['benchmark', 'figure', 'goal']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of table) console.log(line([r.benchmark, r.figure, r.goal]));

function formatNumber(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}
