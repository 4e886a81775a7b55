// Runs the conformance harness (tools/conformance/run.ts) as `npm run conformance` does, in a child Node
// process against the compiled plugin (`npm test` builds it first), and returns its exit code and output.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const run = fileURLToPath(new URL('../../tools/conformance/run.ts', import.meta.url));

export interface HarnessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export function runHarness(...args: string[]): HarnessRun {
  const started = performance.now();
  const child = spawnSync(process.execPath, [run, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return {
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The lines the harness printed about one recording: its verdict line and what follows, up to the next. */
export function recordingBlock(output: string, name: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex(
    (l) => /^(matches|differs|cannot run) /.test(l) && l.slice(11).split(/[ :]/)[0] === name,
  );
  if (start === -1) return [];
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('    '));
  return lines.slice(start, end === -1 ? undefined : end);
}
