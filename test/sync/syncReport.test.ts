import { SyncError } from '../../plugin/src/core/errors.js';
import { syncReport, type OrderSyncResult } from '../../plugin/src/sync/engine.js';

const result = (fields: Partial<OrderSyncResult>): OrderSyncResult => ({
  orderId: '801000000000001AAA',
  status: 'synced',
  stripeId: undefined,
  applied: [],
  errors: [],
  retryable: false,
  warnings: [],
  plan: undefined,
  durationMs: 3,
  ...fields,
});

describe('the sync report commands print', () => {
  it('carries a synced order with its Stripe ID and empty message, fix and plan', () => {
    expect(syncReport(result({ stripeId: 'sub_sched_1' }))).toEqual({
      orderId: '801000000000001AAA',
      status: 'synced',
      stripeId: 'sub_sched_1',
      message: null,
      fix: null,
      plan: null,
    });
  });

  it('joins every failure of an order into its message and fix, one line each, with the Sync Record prefix', () => {
    const record = { id: '802000000000001AAA', type: 'OrderItem' };
    const errors = [
      new SyncError('Quantity specified as a decimal value. Only integers are supported.', {
        kind: 'bare',
        record,
        fix: 'Use whole numbers.',
      }),
      new SyncError('The price is negative.', { kind: 'data', record, fix: 'Make it positive.' }),
    ];
    expect(syncReport(result({ status: 'failed', errors }))).toMatchObject({
      status: 'failed',
      stripeId: null,
      message:
        'Quantity specified as a decimal value. Only integers are supported.\nData Error: The price is negative.',
      fix: 'Use whole numbers.\nMake it positive.',
    });
  });
});
