/**
 * The emulator's own control endpoint (not a Salesforce API), so tests in another process can inject
 * faults: `POST /__emulator/faults { code, times?, path?, method? }` arms one, `DELETE` clears them.
 * It takes the same bearer token as the API.
 */
import { SalesforceApiError } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import { FAULT_CODES, type FaultCode } from './faults.js';
import type { EmulatedOrg } from './org.js';
import type { Router } from './router.js';

export const CONTROL_PREFIX = '/__emulator';

export function addControlRoutes(router: Router, org: EmulatedOrg): void {
  router
    .add('POST', /^\/__emulator\/faults$/, (r) => {
      const spec = (r.body ?? {}) as { code?: string; times?: number | null; path?: string; method?: string };
      if (!spec.code || !FAULT_CODES.includes(spec.code as FaultCode)) {
        throw new SalesforceApiError(400, 'INVALID_INPUT', `code must be one of ${FAULT_CODES.join(', ')}`, ['code']);
      }
      org.faults.add({
        code: spec.code as FaultCode,
        // JSON has no Infinity: null means "until cleared".
        times: spec.times === null ? Infinity : (spec.times ?? 1),
        ...(spec.path ? { path: spec.path } : {}),
        ...(spec.method ? { method: spec.method } : {}),
      });
      return { status: 201, body: { pending: org.faults.pending } };
    })
    .add('DELETE', /^\/__emulator\/faults$/, () => {
      org.faults.clear();
      return { status: 204 };
    });
}
