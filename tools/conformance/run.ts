/**
 * `npm run conformance -- [<recordings dir>]`: replays every recording of the reference connector's
 * integration tests through the product and prints one line per recording — matches, differs, or cannot
 * run (and why) — with each difference (object, field, both values) and the decision that accepts it.
 * Exit 0 only when every difference is in decisions.json. Default folder: ../shared/reference/recordings
 * from the repository root. Imports the compiled plugin (`npm run conformance` builds it first).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { runConformance, printReport } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'shared', 'reference', 'recordings'));
const report = await runConformance(dir, join(here, 'decisions.json'));
printReport(report, (line) => process.stdout.write(`${line}\n`));
process.exit(report.totals.unrecorded === 0 ? 0 : 1);
