/** Every API request the emulator answered, so tests can assert what was (or was not) sent to "Stripe". */
export interface LoggedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, unknown>;
  readonly idempotencyKey: string | undefined;
  /** The Connect account named by `Stripe-Account`; the emulator is one account and serves it regardless. */
  readonly stripeAccount: string | undefined;
  status: number;
  replayed: boolean;
  /** The injected fault that shaped this request, if any. */
  fault: string | undefined;
}

/** A long demo run keeps the newest this many requests. */
export const MAX_LOGGED_REQUESTS = 100_000;

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
    // Trim in batches so a full log does not shift on every request.
    if (this.entries.length > MAX_LOGGED_REQUESTS * 1.1)
      this.entries.splice(0, this.entries.length - MAX_LOGGED_REQUESTS);
    return entry;
  }

  /** Requests that may change state (POST and DELETE), replays included. */
  writes(): LoggedRequest[] {
    return this.entries.filter((e) => e.method === 'POST' || e.method === 'DELETE');
  }

  find(requestId: string): LoggedRequest | undefined {
    return this.entries.find((e) => e.requestId === requestId);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
