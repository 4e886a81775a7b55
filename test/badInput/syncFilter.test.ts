// The admin's order sync filter (Stripe_Sync_Setting__mdt Default, Order_Sync_Filter__c) is SOQL text
// that the relay's poller puts into its query. Anything but one condition on Order fields is refused
// before any query, naming the setting record, the field and the fix — by the poller and by
// `mapping check` alike (one validator); a valid but always-true condition cannot widen the poll past its
// own conditions (no Stripe ID yet, not failed, inside the window); unicode literals survive.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { checkSettings } from '../../plugin/src/mappingCheck/settingsCheck.js';
import { InvalidSyncFilter, ordersToSync } from '../../plugin/src/relay/orderSelection.js';
import { expectRefusedOrder, startBadInputWorld, stripeWritesSince, type BadInputWorld } from './support.js';

let world: BadInputWorld;
beforeEach(async () => {
  world = await startBadInputWorld();
});
afterEach(async () => {
  await world.close();
});

const poll = async (filter: string) =>
  (await ordersToSync(world.client, { filter, syncStartDate: null })).map((order) => order.orderId);

const REFUSED: Readonly<Record<string, [filter: string, reason: RegExp]>> = {
  'a second statement': ["Status = 'Activated'; DELETE FROM Order", /Redundant input/],
  'a LIMIT after the condition': ["Status = 'Activated' LIMIT 1", /only a WHERE condition is allowed, found limit/],
  'FOR UPDATE': ["Status = 'Activated' FOR UPDATE", /only a WHERE condition is allowed, found for/],
  'breaking out of the parentheses': ["Status = 'Activated') OR (Stripe_ID__c != null", /Redundant input|Expecting/],
  'a semi-join subquery': ['Id IN (SELECT OrderId FROM OrderItem)', /subqueries are not allowed/],
  'an anti-join reaching synced orders': [
    "Status = 'Activated' AND Id NOT IN (SELECT Id FROM Order WHERE Stripe_ID__c != null)",
    /subqueries are not allowed/,
  ],
  'OR 1=1': ["Status = 'Activated' OR 1=1", /Expecting|Redundant/],
  'a comment to cut the rest': ["Status = 'Activated' -- ", /Redundant|Expecting|token/i],
  'a UNION on a new line': ["Status = 'Activated'\nUNION SELECT Id FROM User", /Redundant|Expecting/],
};

describe('sync filters that are not one condition on Order are refused before any query', () => {
  it.each(Object.entries(REFUSED))('%s', async (_name, [filter, reason]) => {
    const salesforceBefore = world.org.requestLog.length;
    const error = await poll(filter).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidSyncFilter);
    const refused = error as InvalidSyncFilter;
    expect(refused.message).toContain(`The order sync filter "${filter}" is not a SOQL condition on Order (`);
    expect(refused.message).toMatch(reason);
    expect(refused.message).toContain('Fix Order_Sync_Filter__c on the Default Stripe Sync Setting.');
    expect([refused.record, refused.field]).toEqual(['Default', 'Order_Sync_Filter__c']);
    expect(world.org.requestLog.slice(salesforceBefore)).toEqual([]);
    // `mapping check` reports the same problem on the same record and field, before any relay runs.
    expect(checkSettings([{ DeveloperName: 'Default', Order_Sync_Filter__c: filter }]).problems).toEqual([
      {
        severity: 'error',
        recordType: 'Stripe_Sync_Setting__mdt',
        record: 'Default',
        field: 'Order_Sync_Filter__c',
        message: refused.problem,
        fix: refused.fix,
      },
    ]);
  });
});

describe('valid filters', () => {
  it('an always-true condition cannot widen the poll past its own conditions: a synced order is not polled again, and nothing is written to Stripe by polling', async () => {
    const synced = world.sample('S1');
    const failed = world.sample('S38');
    const engine = world.engine();
    expect((await engine.syncOrder(synced.orderId)).status).toBe('synced');
    expect((await engine.syncOrder(failed.orderId)).status).toBe('failed');
    expectRefusedOrder(world, failed.orderId, ['Quantity specified as a decimal value.'], []);
    const stripeBefore = world.stripe.requestLog.entries.length;

    const ids = await poll("Status = 'Activated' OR Id != null");

    const polled = new Set(ids.map((id) => id.slice(0, 15)));
    expect(polled.has(synced.orderId.slice(0, 15))).toBe(false);
    expect(polled.has(failed.orderId.slice(0, 15))).toBe(false);
    expect(polled.has(world.sample('S2').orderId.slice(0, 15))).toBe(true);
    const [query] = world.org.requestLog.slice(-1).map((r) => decodeURIComponent(r.query ?? ''));
    expect(query).toContain(
      "Stripe_ID__c = null AND (Stripe_Sync_Status__c = null OR Stripe_Sync_Status__c NOT IN ('Failed', 'Syncing'))",
    );
    expect(query).toContain("AND (Status = 'Activated' OR Id != NULL) ORDER BY LastModifiedDate ASC");
    expect(stripeWritesSince(world, stripeBefore)).toEqual([]);
  });

  it('a unicode literal (emoji, RTL, combining mark, quote) is kept intact and matches exactly one order', async () => {
    const name = "Zoë's \u{1F680} שלום e\u0301 株式会社";
    const target = world.sample('S2');
    world.org.store.update('Order', target.orderId, { Name: name });
    const ids = await poll(`Name = 'Zoë\\'s \u{1F680} שלום e\u0301 株式会社'`);
    expect(ids.map((id) => id.slice(0, 15))).toEqual([target.orderId.slice(0, 15)]);
  });
});
