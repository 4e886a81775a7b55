/**
 * Idempotent requests as docs.stripe.com/api/idempotent_requests describes them: the first response to a
 * key is saved once the endpoint began executing (successes and 500s alike; validation failures are not),
 * the same key with the same parameters replays it (`Idempotent-Replayed: true`), the same key with other
 * parameters is a 400 `idempotency_error`, and keys are pruned after 24 hours (by the emulator clock).
 */
import { isDeepStrictEqual } from 'node:util';
import { StripeApiError } from './errors.js';

export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface SavedResponse {
  readonly status: number;
  readonly body: unknown;
  readonly requestId: string;
}

interface Entry {
  readonly method: string;
  readonly path: string;
  readonly params: unknown;
  readonly savedAt: number;
  readonly response: SavedResponse;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private saves = 0;

  /** The saved response to replay, undefined for a new key; throws when the key was used differently. */
  lookup(key: string, method: string, path: string, params: unknown, now: number): SavedResponse | undefined {
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        `Idempotency-Key is too long: ${key.length} characters (the maximum is ${MAX_IDEMPOTENCY_KEY_LENGTH}).`,
      );
    }
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.savedAt >= IDEMPOTENCY_KEY_TTL_SECONDS) {
      this.entries.delete(key);
      return undefined;
    }
    if (entry.method !== method || entry.path !== path || !isDeepStrictEqual(entry.params, params)) {
      throw new StripeApiError(
        400,
        'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        { code: 'idempotency_error' },
      );
    }
    return entry.response;
  }

  save(key: string, method: string, path: string, params: unknown, now: number, response: SavedResponse): void {
    this.entries.set(key, { method, path, params, savedAt: now, response });
    if (++this.saves % 1_000 === 0) this.prune(now);
  }

  /** Forgets keys older than 24 hours (Stripe prunes them "after they're at least 24 hours old"). */
  prune(now: number): void {
    for (const [key, entry] of this.entries)
      if (now - entry.savedAt >= IDEMPOTENCY_KEY_TTL_SECONDS) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
