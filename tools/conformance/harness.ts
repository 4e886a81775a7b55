/**
 * The conformance run over a folder of recordings: per recording, its verdict and differences; then the
 * totals the README's table shows.
 */
import { basename } from 'node:path';
import { compareCalls, compareErrors, type Difference } from './compare.ts';
import { UntranslatableConfig } from './connectorConfig.ts';
import { decisionFor, readDecisions, type Decision } from './decisions.ts';
import { LoadError } from './orgLoader.ts';
import {
  connectorStripeWrites,
  imperfection,
  readRecording,
  recordedErrors,
  recordingFiles,
  RECORDING_SUFFIX,
  type Recording,
} from './recording.ts';
import { replay } from './replay.ts';
import { neutralCall, objectsById, type NeutralCall } from './stripeVersion.ts';

export type Verdict = 'matches' | 'differs' | 'cannot run';

export interface RecordingResult {
  readonly name: string;
  readonly verdict: Verdict;
  readonly reason?: string;
  readonly differences: readonly { difference: Difference; decision: Decision | undefined }[];
  /** Fields the org emulator's schema lacks, dropped when loading (the CPQ catalogue gap). */
  readonly droppedFields: readonly string[];
  readonly notes: readonly string[];
}

export interface Report {
  readonly results: readonly RecordingResult[];
  /** Entries of decisions.json no difference matched (fixed since, or about recordings not in this folder). */
  readonly unusedDecisions: readonly Decision[];
  readonly totals: { matches: number; differsRecorded: number; unrecorded: number; cannotRun: number };
}

export async function runConformance(dir: string, decisionsFile: string): Promise<Report> {
  const decisions = readDecisions(decisionsFile);
  const results: RecordingResult[] = [];
  for (const file of recordingFiles(dir)) results.push(await runOne(file, decisions));
  const unrecorded = results.filter((r) => r.differences.some((d) => !d.decision)).length;
  const used = new Set(results.flatMap((r) => r.differences.map((d) => d.decision)));
  return {
    results,
    unusedDecisions: decisions.filter((d) => !used.has(d)),
    totals: {
      matches: results.filter((r) => r.verdict === 'matches').length,
      differsRecorded: results.filter((r) => r.verdict === 'differs').length - unrecorded,
      unrecorded,
      cannotRun: results.filter((r) => r.verdict === 'cannot run').length,
    },
  };
}

async function runOne(file: string, decisions: readonly Decision[]): Promise<RecordingResult> {
  const name = basename(file, RECORDING_SUFFIX);
  const cannotRun = (
    reason: string,
    droppedFields: readonly string[] = [],
    notes: readonly string[] = [],
  ): RecordingResult => ({ name, verdict: 'cannot run', reason, differences: [], droppedFields, notes });
  const recording = readRecording(file);
  const flaw = imperfection(recording);
  if (flaw) return cannotRun(flaw);
  let result: Awaited<ReturnType<typeof replay>>;
  try {
    result = await replay(recording);
  } catch (error) {
    if (error instanceof LoadError || error instanceof UntranslatableConfig) return cannotRun(error.message);
    throw error;
  }
  const differences = [
    ...compareCalls(referenceCalls(recording), productCalls(result.writes, result.objects)),
    ...compareErrors(recordedErrors(recording), result.errors),
  ].map((difference) => ({ difference, decision: decisionFor(decisions, name, difference) }));
  // A recorded failure must leave Stripe untouched in the product (bad input writes nothing half-done).
  const writes = recordedErrors(recording).length > 0 ? [`product Stripe writes: ${result.writes.length}`] : [];
  return {
    name,
    verdict: differences.length === 0 ? 'matches' : 'differs',
    differences,
    droppedFields: result.loaded.droppedFields,
    notes: [...writes, ...result.notes, ...result.loaded.unresolvedReferences.map((r) => `unresolved reference ${r}`)],
  };
}

const succeeded = (r: { status: number }): boolean => r.status < 400;

function referenceCalls(recording: Recording): NeutralCall[] {
  const objects = objectsById(
    recording.stripe.requests.flatMap((r) =>
      r.response ? [r.response, ...((r.response.data as unknown[] | undefined) ?? [])] : [],
    ),
  );
  return connectorStripeWrites(recording)
    .filter(succeeded)
    .flatMap((r) => neutralCall(r.method, r.path, r.params ?? {}, objects) ?? []);
}

function productCalls(
  writes: readonly { method: string; path: string; params: Record<string, unknown>; status: number }[],
  created: readonly unknown[],
): NeutralCall[] {
  const objects = objectsById(created);
  return writes.filter(succeeded).flatMap((r) => neutralCall(r.method, r.path, r.params, objects) ?? []);
}

export function printReport(report: Report, print: (line: string) => void): void {
  for (const r of report.results) {
    const unrecorded = r.differences.filter((d) => !d.decision).length;
    const tail =
      r.verdict === 'cannot run'
        ? `: ${r.reason ?? ''}`
        : r.verdict === 'differs'
          ? ` (${r.differences.length} differences, ${unrecorded} not in decisions.json)`
          : '';
    print(`${r.verdict.padEnd(10)} ${r.name}${tail}`);
    for (const { difference: d, decision } of r.differences) {
      print(
        `    ${d.object} ${d.field}: reference ${d.reference} | product ${d.product}  [${decision ? `${decision.kind}: ${decision.reason}` : 'NOT IN decisions.json'}]`,
      );
    }
    for (const note of r.notes) print(`    note: ${note}`);
    if (r.droppedFields.length > 0)
      print(`    emulator schema lacks ${r.droppedFields.length} fields (dropped): ${r.droppedFields.join(', ')}`);
  }
  const t = report.totals;
  const kinds = new Map<string, number>();
  for (const r of report.results)
    for (const { decision } of r.differences)
      if (decision) kinds.set(decision.kind, (kinds.get(decision.kind) ?? 0) + 1);
  print('');
  print(
    `${report.results.length} recordings: ${t.matches} match, ${t.differsRecorded} differ with a recorded reason, ${t.unrecorded} differ without one, ${t.cannotRun} cannot run`,
  );
  print(
    `differences by decision kind: ${
      [...kinds]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }`,
  );
  // Over a few recordings most entries are unused; over the shared set each unused one is a fixed difference.
  const unused = report.unusedDecisions;
  print(
    `decisions.json entries no difference used: ${unused.length}${unused.length > 0 && unused.length <= 10 ? ` (${unused.map((d) => `${d.object} ${d.field}`).join('; ')})` : ''}`,
  );
}

/** The kinds of a recording's differences, worst first. */
const KIND_ORDER = ['untriaged', 'bug-open', 'harness', 'scope', 'api-change', 'decision'];

function kindsOf(r: RecordingResult): string {
  const kinds = new Set(r.differences.map((d) => d.decision?.kind ?? 'NOT IN decisions.json'));
  return [...kinds].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b)).join(', ');
}

/** The README's table: one row per recording, then the totals. */
export function printMarkdownTable(report: Report, print: (line: string) => void): void {
  print('| Recording | Verdict | Differences (kinds) or reason |');
  print('|---|---|---|');
  for (const r of report.results) {
    const detail =
      r.verdict === 'cannot run'
        ? (r.reason ?? '')
        : r.verdict === 'differs'
          ? `${r.differences.length} (${kindsOf(r)})`
          : '';
    print(`| ${r.name} | ${r.verdict} | ${detail.replaceAll('|', '\\|')} |`);
  }
  const t = report.totals;
  const worst = (kind: string): number =>
    report.results.filter((r) => r.verdict === 'differs' && kindsOf(r).startsWith(kind)).length;
  print('');
  print(
    `**${report.results.length} recordings: ${t.matches} match · ${t.differsRecorded} differ with a recorded reason (worst kind: ${KIND_ORDER.map((k) => `${k} ${worst(k)}`).join(', ')}) · ${t.unrecorded} differ without one · ${t.cannotRun} cannot run.**`,
  );
}
