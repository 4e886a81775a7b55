// applyPlanRounds (q22): a plan that defers orders is followed by another on the graph with its
// write-backs, at most once per order of the contract; write-backs merge per record and each Sync Record
// keeps its latest status.
import { afterEach, describe, expect, it } from '@jest/globals';
import { SyncError, SyncErrors } from '../../plugin/src/core/errors.js';
import type { CpqGraphInput } from '../../plugin/src/core/records/graph.js';
import { ref, type SyncPlan, type SyncRecordDraft } from '../../plugin/src/core/plan/plan.js';
import { createStripeGateway } from '../../plugin/src/stripe/client.js';
import { applyPlanRounds } from '../../plugin/src/sync/planRounds.js';
import { startScriptedStripe } from './support/scriptedStripe.js';

const M1 = { type: 'Order', id: '801000000000001AAA' };
const M2 = { type: 'Order', id: '801000000000002AAA' };
const graph: CpqGraphInput = {
  orders: [
    { Id: M1.id, Stripe_ID__c: null },
    { Id: M2.id, Stripe_ID__c: null },
  ],
};

let server: Awaited<ReturnType<typeof startScriptedStripe>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Stripe answers every write with a new object id. */
async function gateway() {
  server = await startScriptedStripe((request, index) => ({
    body: { id: `obj_${index}`, object: request.path.split('/')[2] },
  }));
  return createStripeGateway({
    apiKey: 'sk_test_123',
    host: '127.0.0.1',
    port: server.port,
    protocol: 'http',
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

const record = (order: typeof M1, status: SyncRecordDraft['status']): SyncRecordDraft => ({
  compoundId: `${order.id}-${order.id}`,
  primary: order,
  secondary: order,
  status,
  message: status,
  documentationLink: 'https://docs',
});

/** A plan that creates one customer for `order`, writes its id back, and may defer `deferred`. */
function planFor(order: typeof M1, records: SyncRecordDraft[], deferred?: typeof M1): SyncPlan {
  const customer = ref('customer', order.id);
  return {
    primary: order,
    operations: [
      {
        op: 'customers.create',
        ref: customer,
        params: { name: order.id },
        idempotencyKey: `key:${order.id}`,
        source: order,
      },
    ],
    writeBacks: [{ sobject: 'Order', id: order.id, fields: { Stripe_ID__c: customer } }],
    syncRecords: records,
    warnings: [],
    ...(deferred ? { deferred: [deferred] } : {}),
  };
}

describe('applyPlanRounds', () => {
  it('plans again on the graph with the first round’s write-backs, then merges write-backs and keeps each Sync Record’s latest status', async () => {
    const seen: CpqGraphInput[] = [];
    const outcome = await applyPlanRounds(
      planFor(M1, [record(M1, 'Success'), record(M2, 'Skipped')], M2),
      graph,
      await gateway(),
      (g) => {
        seen.push(g);
        const second = planFor(M2, [record(M2, 'Success')]);
        return Promise.resolve({
          ...second,
          writeBacks: [...second.writeBacks, { sobject: 'Order', id: M1.id, fields: { Stripe_Sync_Note__c: 'again' } }],
        });
      },
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]!.orders).toEqual([
      { Id: M1.id, Stripe_ID__c: 'obj_0' },
      { Id: M2.id, Stripe_ID__c: null },
    ]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.applied.map((a) => [a.op, a.ref])).toEqual([
      ['customers.create', ref('customer', M1.id)],
      ['customers.create', ref('customer', M2.id)],
    ]);
    expect(outcome.writeBacks).toEqual([
      { sobject: 'Order', id: M1.id, fields: { Stripe_ID__c: 'obj_0', Stripe_Sync_Note__c: 'again' } },
      { sobject: 'Order', id: M2.id, fields: { Stripe_ID__c: outcome.applied[1]!.id } },
    ]);
    expect(outcome.syncRecords.map((r) => [r.secondary.id, r.status])).toEqual([
      [M1.id, 'Success'],
      [M2.id, 'Success'],
    ]);
    expect(outcome.plan.operations).toHaveLength(2);
    expect(outcome.plan.deferred).toBeUndefined();
  });

  it('stops after one round per order of the contract, however often the plans defer', async () => {
    let replans = 0;
    const outcome = await applyPlanRounds(planFor(M1, [], M2), graph, await gateway(), () => {
      replans++;
      return Promise.resolve(planFor(M2, [], M2));
    });
    expect(replans).toBe(1);
    expect(outcome.plan.deferred).toEqual([M2]);
  });

  it('reports the problems of a later round’s plan, keeping what the earlier rounds applied', async () => {
    const problem = new SyncError('The amendment is broken.', { kind: 'data', record: M2, fix: 'Fix it.' });
    const outcome = await applyPlanRounds(planFor(M1, [record(M1, 'Success')], M2), graph, await gateway(), () =>
      Promise.reject(new SyncErrors([problem])),
    );
    expect(outcome.errors).toEqual([problem]);
    expect(outcome.writeBacks).toEqual([{ sobject: 'Order', id: M1.id, fields: { Stripe_ID__c: 'obj_0' } }]);
    expect(outcome.syncRecords.map((r) => r.status)).toEqual(['Success']);
  });
});
