/**
 * Faults injected on demand, so tests can prove the product survives what the network and Stripe do:
 * - `api_error`: a 500 `api_error` before the endpoint runs (nothing written);
 * - `slow`: the response is held back `delayMs` (default 2 s);
 * - `connection_reset`: the socket is destroyed before the endpoint runs (nothing written);
 * - `response_lost`: the endpoint runs and its result is saved under the idempotency key, then the socket is
 *   destroyed, so a retry with the same key replays the result instead of writing twice.
 * Each fault fires `times` times (default once) on requests matching `method` and `path` (a string prefix or
 * a RegExp; absent = every API request).
 */
export type FaultKind = 'api_error' | 'slow' | 'connection_reset' | 'response_lost';

export interface FaultSpec {
  readonly kind: FaultKind;
  readonly path?: string | RegExp;
  readonly method?: string;
  readonly times?: number;
  readonly delayMs?: number;
}

export interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultInjector {
  private readonly active: ActiveFault[] = [];

  inject(spec: FaultSpec): ActiveFault {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`A fault fires a positive whole number of times (got ${times})`);
    const fault = { ...spec, remaining: times };
    this.active.push(fault);
    return fault;
  }

  /** The fault to apply to this request, counted as fired; undefined when none matches. */
  take(method: string, path: string): ActiveFault | undefined {
    const index = this.active.findIndex((f) => matches(f, method, path));
    const fault = this.active[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.active.splice(index, 1);
    return fault;
  }

  clear(): void {
    this.active.length = 0;
  }

  get pending(): readonly ActiveFault[] {
    return this.active;
  }
}

function matches(fault: FaultSpec, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) return false;
  if (fault.path === undefined) return true;
  return typeof fault.path === 'string' ? path.startsWith(fault.path) : fault.path.test(path);
}
