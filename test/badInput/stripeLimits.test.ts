// Values over Stripe's limits arriving through field mappings, and unicode that must arrive intact.
// Decisions: a metadata value over Stripe's 500 characters is refused before any write, on the record it
// comes from (integrations key on metadata: a cut value is a wrong value); a customer description over
// Stripe's 350 characters is cut to 350 (free text for people, and Salesforce's own field is far longer).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { MappingSpec } from '../mapping/support.js';
import { expectRefusedOrder, startBadInputWorld, stripeWritesSince, type BadInputWorld } from './support.js';

let world: BadInputWorld;
beforeEach(async () => {
  world = await startBadInputWorld();
});
afterEach(async () => {
  await world.close();
});

const LONG = 'x'.repeat(600);

interface OverLimit {
  readonly scenario: string;
  readonly mapping: MappingSpec;
  /** The Stripe object as the message names it, and the record type the error is on. */
  readonly object: string;
  readonly recordType: string;
}

const note = (key: string, salesforcePath: string): MappingSpec => ({ key, stripePath: 'metadata.note', salesforcePath });

/** Every Stripe object a mapping can put metadata on, fed a 600-character Salesforce value. */
const OVER_LIMIT: Readonly<Record<string, OverLimit>> = {
  customer: { scenario: 'S1', mapping: note('customer', 'Description'), object: 'customer', recordType: 'Account' },
  product: { scenario: 'S1', mapping: note('product', 'Description'), object: 'product', recordType: 'Product2' },
  'price (order line)': { scenario: 'S1', mapping: note('price_order_item', 'Order.Account.Description'), object: 'price', recordType: 'OrderItem' },
  'subscription item': { scenario: 'S1', mapping: note('subscription_item', 'Order.Account.Description'), object: 'subscription item', recordType: 'OrderItem' },
  'subscription schedule': { scenario: 'S1', mapping: note('subscription_schedule', 'Account.Description'), object: 'subscription schedule', recordType: 'Order' },
  'invoice (one-time order)': { scenario: 'S5', mapping: note('invoice', 'Account.Description'), object: 'invoice', recordType: 'Order' },
};

describe('a 600-character metadata value is refused before any Stripe write, on the record it comes from', () => {
  it.each(Object.entries(OVER_LIMIT))('%s', async (_name, over) => {
    const order = world.sample(over.scenario);
    world.org.store.update('Account', order.accountId, { Description: LONG });
    for (const product of Object.values(world.org.sample!.products)) world.org.store.update('Product2', product.id, { Description: LONG });
    world.map({ Long_Note: over.mapping });
    const stripeBefore = world.stripe.requestLog.entries.length;

    const result = await world.engine().syncOrder(order.orderId);

    expect(result.status).toBe('failed');
    const message = `The metadata value for "note" on the Stripe ${over.object} is 600 characters; Stripe allows 500.`;
    expect(result.errors.map((e) => [e.message, e.record.type, e.field, e.fix])).toContainEqual([message, over.recordType, 'metadata.note', 'Map a shorter field to this metadata key.']);
    expectRefusedOrder(world, order.orderId, [message], ['Map a shorter field to this metadata key.']);
    expect(stripeWritesSince(world, stripeBefore)).toEqual([]);
  });
});

describe('a customer description over Stripe’s 350 characters', () => {
  it('is cut to 350 characters and the order syncs', async () => {
    const order = world.sample('S1');
    world.org.store.update('Account', order.accountId, { Description: `${'d'.repeat(349)}é${LONG}` });
    const result = await world.engine().syncOrder(order.orderId);
    expect([result.status, result.errors]).toEqual(['synced', []]);
    const [customer] = world.stripe.store.customers.all();
    expect(customer?.description).toBe(`${'d'.repeat(349)}é`);
  });
});

describe('unicode in names and descriptions syncs and round-trips', () => {
  // Emoji (astral plane), right-to-left Arabic and Hebrew, combining marks (e + U+0301 stays decomposed), CJK.
  const NAMES = {
    account: 'Zoë ☕ \u{1F680} شركة الأمل עברית e\u0301 株式会社',
    product: 'Plateforme \u{1F9EA} — ñ̃ 平台 \u202Eabc\u202C',
  };

  it('the customer, product and mapped metadata carry the exact text, and Salesforce gets the Stripe Ids back', async () => {
    const order = world.sample('S1');
    world.org.store.update('Account', order.accountId, { Name: NAMES.account, Description: 'Ünïcödé 描述 \u{1F600}' });
    const platform = world.org.sample!.products.platform!;
    world.org.store.update('Product2', platform.id, { Name: NAMES.product });
    world.map({ Account_Name_Note: { key: 'subscription_schedule', stripePath: 'metadata.account_name', salesforcePath: 'Account.Name' } });

    const result = await world.engine().syncOrder(order.orderId);

    expect([result.status, result.errors]).toEqual(['synced', []]);
    const customer = world.stripe.store.customers.all().find((c) => c.metadata.salesforce_account_id?.startsWith(order.accountId.slice(0, 15)));
    expect([customer?.name, customer?.description]).toEqual([NAMES.account, 'Ünïcödé 描述 \u{1F600}']);
    expect(world.stripe.store.products.all().map((p) => p.name)).toContain(NAMES.product);
    const schedule = world.stripe.store.subscriptionSchedules.get(result.stripeId!);
    expect(schedule.metadata.account_name).toBe(NAMES.account);
    const [account] = world.org.query(`SELECT Name, Stripe_ID__c FROM Account WHERE Id = '${order.accountId}'`);
    expect(account).toEqual(expect.objectContaining({ Name: NAMES.account, Stripe_ID__c: customer?.id }));
  });
});
