/** Every API request the emulator answered, so tests can assert what was (or was not) sent to "Stripe". */
export interface LoggedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, unknown>;
  readonly idempotencyKey: string | undefined;
  status: number;
  replayed: boolean;
  /** The injected fault that shaped this request, if any. */
  fault: string | undefined;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
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
