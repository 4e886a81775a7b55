/**
 * Failures on demand, for tests of retry and re-login paths: the errors the real org answers with
 * under lock contention, API limits and expired sessions, injected once, N times or until cleared,
 * on every request or only those whose method and path match.
 */
import { SalesforceApiError } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';

export type FaultCode = 'UNABLE_TO_LOCK_ROW' | 'REQUEST_LIMIT_EXCEEDED' | 'INVALID_SESSION_ID' | 'SERVER_UNAVAILABLE';

export interface FaultSpec {
  readonly code: FaultCode;
  /** How many matching requests fail; default 1, `Infinity` until cleared. */
  readonly times?: number;
  /** Only requests whose path (without query string) matches; a string is a substring match. */
  readonly path?: string | RegExp;
  /** Only this HTTP method. */
  readonly method?: string;
  /** Only requests whose body matches (a string is a substring match): one `composite` call among others. */
  readonly body?: string | RegExp;
}

const ERRORS: Record<FaultCode, () => SalesforceApiError> = {
  UNABLE_TO_LOCK_ROW: () =>
    new SalesforceApiError(400, 'UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record or 1 records'),
  REQUEST_LIMIT_EXCEEDED: () => new SalesforceApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  INVALID_SESSION_ID: () => new SalesforceApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
  SERVER_UNAVAILABLE: () => new SalesforceApiError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable'),
};

export const FAULT_CODES = Object.keys(ERRORS) as FaultCode[];

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

export class FaultInjector {
  private armed: ArmedFault[] = [];

  /** Arms a fault; faults fire in the order they were added. */
  add(spec: FaultSpec): void {
    if (!ERRORS[spec.code]) throw new Error(`Unknown fault code ${spec.code}; use one of ${FAULT_CODES.join(', ')}`);
    this.armed.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  get pending(): number {
    return this.armed.length;
  }

  /** The error the request must fail with, consuming one use of the first matching fault. */
  take(method: string, path: string, body = ''): SalesforceApiError | undefined {
    const fault = this.armed.find((f) => matches(f.spec, method, path, body));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.armed = this.armed.filter((f) => f !== fault);
    return ERRORS[fault.spec.code]();
  }
}

function matches(spec: FaultSpec, method: string, path: string, body: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  return fits(spec.path, path) && fits(spec.body, body);
}

const fits = (pattern: string | RegExp | undefined, text: string): boolean =>
  pattern === undefined ? true : typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
