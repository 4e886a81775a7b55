// Idempotency keys carry their record's version; keyVersionSeconds reads it back, so the applier can tell how old
// a key can at most be (recoveredCreates.ts).
import { describe, expect, it } from '@jest/globals';
import { idempotencyKey, keyVersionSeconds } from '../../plugin/src/core/plan/idempotency.js';

const ORG = '00D000000000001AAA';
const ACCOUNT = '001000000000001AAA';

describe('keyVersionSeconds', () => {
  it("reads the version a key was made with, in the REST API's form or an ISO offset", () => {
    const rest = idempotencyKey(
      ORG,
      { Id: ACCOUNT, SystemModstamp: '2031-03-04T10:15:30.000+0000' },
      'customers.create',
    );
    expect(keyVersionSeconds(rest)).toBe(Date.UTC(2031, 2, 4, 10, 15, 30) / 1000);
    const offset = idempotencyKey(ORG, { Id: ACCOUNT, LastModifiedDate: '2031-03-04T12:15:30+0200' }, 'prices.create');
    expect(keyVersionSeconds(offset)).toBe(Date.UTC(2031, 2, 4, 10, 15, 30) / 1000);
  });

  it('is undefined for a record read without a version, and for a key the product did not make', () => {
    expect(keyVersionSeconds(idempotencyKey(ORG, { Id: ACCOUNT }, 'customers.create'))).toBeUndefined();
    expect(keyVersionSeconds('b6f0c3a2-6d1e-4c38-9a57-1f1d2a3b4c5d')).toBeUndefined();
  });
});
