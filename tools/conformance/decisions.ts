/**
 * The decisions file (decisions.json beside this module): every known difference with its reason and kind —
 * `decision` (a choice the README's Decisions defend), `api-change` (Stripe API versions), `scope` (a
 * connector feature the product does not have), `harness` (a limit of replaying from recorded reads), `bug-open` (a product bug found, not yet fixed) or
 * `untriaged` (found, not yet analysed). The run's totals count each kind, so accepted is never mistaken
 * for conformant.
 * A difference matches an entry when its object name (without the `[n]` index) equals the entry's, its
 * field matches the entry's pattern (`*` any text, `**` every field; indices ignored), and the recording is among the
 * entry's `recordings` when it lists any.
 */
import { readFileSync } from 'node:fs';
import type { Difference } from './compare.ts';

export type DecisionKind = 'decision' | 'api-change' | 'scope' | 'harness' | 'bug-open' | 'untriaged';

export interface Decision {
  readonly kind: DecisionKind;
  readonly object: string;
  readonly field: string;
  readonly reason: string;
  /** Recording ids (file names without .json.gz) the entry is limited to; absent = every recording. */
  readonly recordings?: readonly string[];
}

export function readDecisions(file: string): Decision[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Decision[];
}

const withoutIndices = (text: string): string => text.replace(/\[\d+\]/g, '');
/** `*` alone names a whole call sent by one side only; elsewhere `*` matches any text. */
const pattern = (glob: string): RegExp =>
  glob === '*'
    ? /^\*$/
    : new RegExp(
        `^${withoutIndices(glob)
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );

export function decisionFor(
  decisions: readonly Decision[],
  recording: string,
  difference: Difference,
): Decision | undefined {
  return decisions.find(
    (d) =>
      withoutIndices(difference.object) === d.object &&
      pattern(d.field).test(withoutIndices(difference.field)) &&
      (!d.recordings || d.recordings.includes(recording)),
  );
}
