/**
 * When a sync that failed retryably (rate limit, outage, row lock) runs again: the reference connector's
 * job backoff (spec §2.9: 0, 60, 300, 600, 1800, 3600, 3600, 3600, 10800, 21600 s, each × random 1–2),
 * counted by the request's Attempts__c. The schedule lives in Salesforce (Next_Attempt_At__c), never in
 * a timer, so a relay restart loses nothing.
 */

export const RETRY_DELAYS_SECONDS: readonly number[] = [0, 60, 300, 600, 1800, 3600, 3600, 3600, 10800, 21600];

export interface RetryPolicy {
  /** Wait before each retry: the first after attempt 1, … Its length is how many retries there are. */
  readonly delaysSeconds: readonly number[];
  /** [0, 1): the jitter's source (tests pin it). */
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { delaysSeconds: RETRY_DELAYS_SECONDS, random: Math.random };

/** Attempts a request gets in all: the first and one per backoff step. */
export const maxAttempts = (policy: RetryPolicy): number => policy.delaysSeconds.length + 1;

/**
 * When to run attempt `attempts + 1`, after attempt `attempts` (1-based) failed retryably; undefined when
 * the backoff is used up. Whole seconds (rounded down), as Salesforce keeps DateTime fields.
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Date | undefined {
  const delay = policy.delaysSeconds[attempts - 1];
  if (delay === undefined) return undefined;
  const at = now.getTime() + delay * 1000 * (1 + policy.random());
  return new Date(Math.floor(at / 1000) * 1000);
}
