/** Structural comparison of planned params against a retrieved Stripe object. */

/** True when every value `expected` sets (deeply) is equal in `actual`; keys `expected` lacks are ignored. */
export function containedIn(expected: unknown, actual: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([key, value]) =>
      containedIn(value, (actual as Record<string, unknown>)[key]),
    );
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}
