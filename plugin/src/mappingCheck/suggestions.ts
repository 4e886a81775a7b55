/** "Did you mean" for misspelt names: the closest candidate, when it is close enough to be a typo. */
import { closest, distance } from 'fastest-levenshtein';

/** The closest candidate within a third of the name's length (at least 2 edits), else undefined. */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(
    name.toLowerCase(),
    candidates.map((c) => c.toLowerCase()),
  );
  const index = candidates.findIndex((c) => c.toLowerCase() === best);
  const match = candidates[index];
  return match !== undefined && distance(name.toLowerCase(), best) <= Math.max(2, Math.floor(name.length / 3))
    ? match
    : undefined;
}

/** ` Did you mean "x"?` or nothing. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion ? ` Did you mean "${suggestion}"?` : '';
}
