// The retry backoff and what a finished attempt writes on its sync request (no I/O).
import { describe, expect, it } from '@jest/globals';
import { SyncError } from '../../plugin/src/core/errors.js';
import { maxAttempts, nextAttemptAt, RETRY_DELAYS_SECONDS, type RetryPolicy } from '../../plugin/src/relay/retries.js';
import { requestOutcomeFields } from '../../plugin/src/relay/syncRequests.js';
import type { OrderSyncResult } from '../../plugin/src/sync/engine.js';

const NOW = new Date('2030-01-01T10:00:00.400Z');
const at = (random: number, delaysSeconds: readonly number[] = RETRY_DELAYS_SECONDS): RetryPolicy => ({
  delaysSeconds,
  random: () => random,
});

const ORDER = { type: 'Order', id: '801Em0000000017IAA' };
const rateLimited = new SyncError('The request rate limit was exceeded.', {
  kind: 'stripe',
  record: ORDER,
  fix: 'Wait; the sync is retried automatically.',
  retryable: true,
});
const brokenLine = new SyncError('Quantity specified as a decimal value. Only integers are supported.', {
  kind: 'data',
  record: ORDER,
  fix: 'Use a whole quantity.',
  retryable: false,
});
const result = (status: OrderSyncResult['status'], errors: SyncError[] = [], applied = 0): OrderSyncResult => ({
  orderId: ORDER.id,
  status,
  stripeId: status === 'synced' ? 'sub_sched_1' : undefined,
  applied: Array.from({ length: applied }, () => ({}) as OrderSyncResult['applied'][number]),
  errors,
  retryable: status === 'busy' || (errors.length > 0 && errors.every((e) => e.retryable)),
  warnings: [],
  plan: undefined,
  durationMs: 1,
});

describe('nextAttemptAt', () => {
  it("follows the reference connector's backoff: 0, 60, 300, 600, 1800, 3600 ×3, 10800, 21600 s", () => {
    expect(RETRY_DELAYS_SECONDS).toEqual([0, 60, 300, 600, 1800, 3600, 3600, 3600, 10800, 21600]);
    expect(maxAttempts(at(0))).toBe(11);
    expect(nextAttemptAt(1, NOW, at(0))?.toISOString()).toBe('2030-01-01T10:00:00.000Z');
    expect(nextAttemptAt(2, NOW, at(0))?.toISOString()).toBe('2030-01-01T10:01:00.000Z');
    expect(nextAttemptAt(10, NOW, at(0))?.toISOString()).toBe('2030-01-01T16:00:00.000Z');
  });

  it('stretches each wait by a random factor between 1 and 2, in whole seconds', () => {
    expect(nextAttemptAt(2, NOW, at(0.5))?.toISOString()).toBe('2030-01-01T10:01:30.000Z');
    expect(nextAttemptAt(3, NOW, at(0.99))?.toISOString()).toBe('2030-01-01T10:09:57.000Z');
  });

  it('has no next attempt once the backoff is used up', () => {
    expect(nextAttemptAt(11, NOW, at(0))).toBeUndefined();
    expect(nextAttemptAt(1, NOW, at(0, []))).toBeUndefined();
  });
});

describe('requestOutcomeFields', () => {
  const policy = at(0, [60, 300]);

  it('a retryable failure with backoff left waits as Retrying until its next attempt, saying when', () => {
    const fields = requestOutcomeFields(result('failed', [rateLimited]), 1, NOW, policy);
    expect(fields).toEqual({
      Status__c: 'Retrying',
      Next_Attempt_At__c: '2030-01-01T10:01:00.000Z',
      Lease_Expires__c: null,
      Message__c:
        'Stripe Error: The request rate limit was exceeded. Fix: Wait; the sync is retried automatically.\nAttempt 1 of 3 failed; the relay tries again after 2030-01-01T10:01:00Z.',
    });
  });

  it('the last attempt ends Failed with the error, its fix and that the relay gave up', () => {
    const fields = requestOutcomeFields(result('failed', [rateLimited]), 3, NOW, policy);
    expect(fields).toMatchObject({ Status__c: 'Failed', Next_Attempt_At__c: null, Finished_At__c: NOW.toISOString() });
    expect(fields.Message__c).toBe(
      'Stripe Error: The request rate limit was exceeded. Fix: Wait; the sync is retried automatically.\nThe relay gave up after 3 attempts; press Sync now once the cause is fixed.',
    );
  });

  it('a data error ends Failed at once: retrying cannot fix it', () => {
    const fields = requestOutcomeFields(result('failed', [brokenLine]), 1, NOW, policy);
    expect(fields).toMatchObject({
      Status__c: 'Failed',
      Message__c:
        'Data Error: Quantity specified as a decimal value. Only integers are supported. Fix: Use a whole quantity.',
    });
  });

  it('a busy contract goes back to Queued without using up an attempt', () => {
    expect(requestOutcomeFields(result('busy'), 4, NOW, policy)).toMatchObject({
      Status__c: 'Queued',
      Attempts__c: 3,
      Claimed_By__c: null,
    });
  });

  it('a sync ends Synced, naming its Stripe writes', () => {
    expect(requestOutcomeFields(result('synced', [], 4), 2, NOW, policy)).toMatchObject({
      Status__c: 'Synced',
      Next_Attempt_At__c: null,
      Message__c: 'Synced: 4 Stripe write(s); sub_sched_1',
    });
  });
});
