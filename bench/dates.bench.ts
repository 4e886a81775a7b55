// Calendar arithmetic sits on every phase boundary; this keeps an eye on its cost.
import { addMonths, parseDate } from '../plugin/lib/core/dates.js';
import type { BenchRow } from './run.ts';

export default async function bench(): Promise<BenchRow[]> {
  const start = parseDate('2030-01-31')!;
  const n = 1_000_000;
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += addMonths(start, i % 120).day;
  const ms = performance.now() - t0;
  if (sink === 0) throw new Error('unreachable');
  return [{ name: 'calendar-month additions', value: n / (ms / 1000), unit: 'ops/s' }];
}
