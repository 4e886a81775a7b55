/**
 * `npm run conformance -- [<recordings dir>]`: replays every recording of the reference connector's
 * integration tests through the product and prints one line per recording — matches, differs, or cannot
 * run (and why) — with each difference (object, field, both values) and the decision that accepts it.
 * Exit 0 only when every difference is in decisions.json. `--table` prints the README's markdown table.
 * Default folder: reference/recordings, the shared recordings copied into the repository. Imports the compiled
 * plugin (`npm run conformance` builds it first).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { printMarkdownTable, printReport, runConformance } from './harness.ts';
import { defaultRecordingsDir } from './recording.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const table = args.includes('--table');
const given = args.find((a) => !a.startsWith('--'));
const dir = given ? resolve(given) : defaultRecordingsDir(join(here, '..', '..'));
process.stderr.write(`recordings: ${dir}\n`);
const report = await runConformance(dir, join(here, 'decisions.json'));
(table ? printMarkdownTable : printReport)(report, (line) => process.stdout.write(`${line}\n`));
// exitCode, not exit(): a piped stdout is written asynchronously and exit() would cut it short.
process.exitCode = report.totals.unrecorded === 0 ? 0 : 1;
