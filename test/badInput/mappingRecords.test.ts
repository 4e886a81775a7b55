// Field mapping records an admin (or an attacker with Setup access) got wrong: SOQL in a Salesforce path,
// relationship names and lookups to records the sync never reads, metadata keys Stripe refuses, Stripe
// parameters that do not exist, and a field the org lacks. Each is refused on the Order naming the mapping
// record, its field and the fix; no query carries the record's text; Stripe receives no write. (An unknown
// mapping key cannot reach the engine: Mapping_Key__c is a restricted picklist, enforced by the org.)
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { checkMappings } from '../../plugin/src/mappingCheck/checkMappings.js';
import { localSchema, mapping, type MappingSpec } from '../mapping/support.js';
import { expectRefusedOrder, startBadInputWorld, stripeWritesSince, type BadInputWorld } from './support.js';

let world: BadInputWorld;
beforeEach(async () => {
  world = await startBadInputWorld();
});
afterEach(async () => {
  await world.close();
});

interface BrokenMapping {
  readonly record: MappingSpec;
  /** The field of the mapping record named in the error. */
  readonly field: string;
  readonly message: string;
  readonly fix: string;
  /** Text that must never reach Salesforce in a query. */
  readonly injected?: string;
}

const NOT_A_PATH =
  'is not a field path: only field API names joined by dots are allowed (no spaces, quotes, parentheses or line breaks).';
const PATH_FIX = 'Write a field API name such as Name or Account.Name.';
const KEY_FIX = 'Write a path such as description or metadata.region.';

const CASES: Readonly<Record<string, BrokenMapping>> = {
  'a SOQL clause after the field (Name FROM Account --)': {
    record: { key: 'customer', stripePath: 'metadata.account_name', salesforcePath: 'Name FROM Account --' },
    field: 'Salesforce_Path__c',
    message: `"Name FROM Account --" ${NOT_A_PATH}`,
    fix: PATH_FIX,
    injected: 'FROM Account --',
  },
  'a parenthesis breaking out of the select list (Id) OR (Id != null)': {
    record: { key: 'subscription_schedule', stripePath: 'metadata.order', salesforcePath: 'Id) OR (Id != null' },
    field: 'Salesforce_Path__c',
    message: `"Id) OR (Id != null" ${NOT_A_PATH}`,
    fix: PATH_FIX,
    injected: 'OR (Id != null',
  },
  quotes: {
    record: { key: 'product', stripePath: 'metadata.family', salesforcePath: "Family' OR Name != '" },
    field: 'Salesforce_Path__c',
    message: `"Family' OR Name != '" ${NOT_A_PATH}`,
    fix: PATH_FIX,
    injected: "OR Name != '",
  },
  'a line break and a second statement': {
    record: { key: 'subscription_item', stripePath: 'metadata.line', salesforcePath: 'Id\nFROM User' },
    field: 'Salesforce_Path__c',
    message: `"Id\\nFROM User" ${NOT_A_PATH}`,
    fix: PATH_FIX,
    injected: 'FROM User',
  },
  'a __r relationship chain instead of the lookup field': {
    record: {
      key: 'subscription_schedule',
      stripePath: 'metadata.quote_owner',
      salesforcePath: 'SBQQ__Quote__r.Owner.Email',
    },
    field: 'Salesforce_Path__c',
    message:
      '"SBQQ__Quote__r.Owner.Email" uses the relationship name SBQQ__Quote__r; mapping paths name the lookup field.',
    fix: 'Write SBQQ__Quote__c instead of SBQQ__Quote__r (for example SBQQ__Quote__c.Owner.Email).',
  },
  'a lookup to records the sync never reads (the account owner’s email)': {
    record: { key: 'customer', stripePath: 'email', salesforcePath: 'Owner.Email' },
    field: 'Salesforce_Path__c',
    message:
      '"Owner.Email" reads through Account.OwnerId, a lookup to records the sync does not read, so it would always be empty.',
    fix: 'Map a field of Account or of a record the sync reads through one of its lookups',
    injected: 'Owner.Email',
  },
  'a metadata key with a space': {
    record: { key: 'customer', stripePath: 'metadata.sales region', salesforcePath: 'BillingState' },
    field: 'Stripe_Path__c',
    message: '"metadata.sales region" is not a Stripe parameter path',
    fix: KEY_FIX,
  },
  'a metadata key in Cyrillic': {
    record: { key: 'customer', stripePath: 'metadata.регион', salesforcePath: 'BillingState' },
    field: 'Stripe_Path__c',
    message: '"metadata.регион" is not a Stripe parameter path',
    fix: KEY_FIX,
  },
  'a metadata key with brackets': {
    record: { key: 'price_order_item', stripePath: 'metadata.a[b]', salesforcePath: 'Id' },
    field: 'Stripe_Path__c',
    message: '"metadata.a[b]" is not a Stripe parameter path',
    fix: KEY_FIX,
  },
  'a metadata key over Stripe’s 40 characters': {
    record: { key: 'subscription_schedule', stripePath: `metadata.${'k'.repeat(41)}`, salesforcePath: 'OrderNumber' },
    field: 'Stripe_Path__c',
    message: `The metadata key "${'k'.repeat(41)}" is 41 characters; Stripe allows 40.`,
    fix: 'Shorten the key after metadata.',
  },
  'a metadata key the product writes itself': {
    record: { key: 'customer', stripePath: 'metadata.salesforce_account_id', salesforcePath: 'Name' },
    field: 'Stripe_Path__c',
    message:
      'The metadata key "salesforce_account_id" is one the product writes itself; the mapping would overwrite it.',
    fix: 'Choose another key name',
  },
  'a Stripe parameter that does not exist (metdata.region)': {
    record: { key: 'customer', stripePath: 'metdata.region', salesforcePath: 'BillingState' },
    field: 'Stripe_Path__c',
    message:
      'Stripe customers have no parameter "metdata.region" in API version 2026-10-28.endive. Did you mean "metadata.region"?',
    fix: 'Change the Stripe path to metadata.region.',
  },
  'both a Salesforce path and a static value': {
    record: { key: 'customer', stripePath: 'description', salesforcePath: 'Description', staticValue: 'From CPQ' },
    field: 'Static_Value__c',
    message: 'Both a Salesforce path and a static value are set.',
    fix: 'Set exactly one: Salesforce_Path__c for a field mapping, Static_Value__c for a field default.',
  },
};

describe('unusable mapping records: the Order names the record, its field and the fix; no query with their text; zero Stripe writes', () => {
  it.each(Object.entries(CASES))('%s', async (_name, broken) => {
    world.map({ Broken_Mapping: broken.record });
    const order = world.sample('S1');
    const engine = world.engine();
    await engine.configuration();
    const salesforceBefore = world.org.requestLog.length;
    const stripeBefore = world.stripe.requestLog.entries.length;

    const result = await engine.syncOrder(order.orderId);

    expect(result.status).toBe('failed');
    expect(result.retryable).toBe(false);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(
      error!.resolutionMessage.startsWith(
        `Data Error: The field mapping Broken_Mapping cannot be used (${broken.field}): `,
      ),
    ).toBe(true);
    expect(error!.message).toContain(broken.message);
    expect(error!.fix).toContain(broken.fix);
    expect([error!.record.type, error!.record.id, error!.field]).toEqual(['Order', order.orderId, broken.field]);
    expectRefusedOrder(
      world,
      order.orderId,
      [`The field mapping Broken_Mapping cannot be used (${broken.field})`],
      [broken.fix],
    );
    // Refused before the order is even located: the only Salesforce call is the outcome's write (one composite).
    expect(
      world.org.requestLog
        .slice(salesforceBefore)
        .map((r) => `${r.method} ${r.path.replace(/^\/services\/data\/v[\d.]+/, '')}`),
    ).toEqual(['POST /composite']);
    if (broken.injected)
      expect(world.org.requestLog.filter((r) => decodeURIComponent(r.query ?? '').includes(broken.injected!))).toEqual(
        [],
      );
    expect(stripeWritesSince(world, stripeBefore)).toEqual([]);
  });

  it.each(Object.entries(CASES))(
    'mapping check refuses the same record on the same field before any deploy: %s',
    (_name, broken) => {
      const { problems } = checkMappings([mapping({ name: 'Broken_Mapping', ...broken.record })], localSchema, {
        dueOnReceiptAsZeroDays: true,
      });
      expect(problems.filter((p) => p.severity === 'error').map((p) => [p.record, p.field])).toContainEqual([
        'Broken_Mapping',
        broken.field,
      ]);
    },
  );

  it('reports every unusable record at once, and keeps the shipped defaults and valid records out of the complaint', async () => {
    world.map({
      Bad_Path: CASES['quotes']!.record,
      Bad_Key: CASES['a metadata key with a space']!.record,
      Good_Region: { key: 'customer', stripePath: 'metadata.region', salesforcePath: 'BillingState' },
    });
    const result = await world.engine().syncOrder(world.sample('S1').orderId);
    expect(result.errors.map((e) => e.message.slice(0, e.message.indexOf(':')))).toEqual([
      'The field mapping Bad_Path cannot be used (Salesforce_Path__c)',
      'The field mapping Bad_Key cannot be used (Stripe_Path__c)',
    ]);
  });

  it('an inactive broken record is ignored, and the order syncs', async () => {
    world.map({ Broken_But_Off: { ...CASES['quotes']!.record, active: false } });
    const result = await world.engine().syncOrder(world.sample('S1').orderId);
    expect([result.status, result.errors]).toEqual(['synced', []]);
  });

  it('more metadata keys than Stripe allows on one object, counting the product’s own, are refused naming the record that crosses 50', async () => {
    // The customer carries salesforce_account_id and _link: 48 mapped keys fit, the 49th does not.
    const keys = Array.from(
      { length: 49 },
      (_, i) =>
        [
          `Region_${String(i).padStart(2, '0')}`,
          { key: 'customer', stripePath: `metadata.region_${i}`, salesforcePath: 'BillingState' },
        ] as const,
    );
    world.map(Object.fromEntries(keys));
    const stripeBefore = world.stripe.requestLog.entries.length;
    const order = world.sample('S1');
    const result = await world.engine().syncOrder(order.orderId);
    expect(result.errors.map((e) => [e.message, e.fix])).toEqual([
      [
        'The field mapping Region_48 cannot be used (Stripe_Path__c): The Stripe customer would get up to 51 metadata keys (2 written by the product, 49 mapped); Stripe allows 50.',
        'Remove or deactivate at least 1 metadata mapping(s) of customer.',
      ],
    ]);
    expectRefusedOrder(
      world,
      order.orderId,
      ['Region_48'],
      ['Remove or deactivate at least 1 metadata mapping(s) of customer.'],
    );
    expect(stripeWritesSince(world, stripeBefore)).toEqual([]);
  });
});

describe('a mapped field the org lacks (Salesforce INVALID_FIELD)', () => {
  it('names the mapping record and its path on the Order, within the read budget, with no describe and no Stripe write', async () => {
    world.map({ Customer_Region: { key: 'customer', stripePath: 'metadata.region', salesforcePath: 'Region__c' } });
    const order = world.sample('S1');
    const engine = world.engine();
    await engine.configuration();
    const salesforceBefore = world.org.requestLog.length;
    const stripeBefore = world.stripe.requestLog.entries.length;

    const result = await engine.syncOrder(order.orderId);

    expect(result.status).toBe('failed');
    expect(result.retryable).toBe(false);
    expect(result.errors.map((e) => [e.resolutionMessage, e.record.type, e.field, e.fix])).toEqual([
      [
        'Data Error: The field mapping Customer_Region points at Region__c, which Account does not have (or the integration user cannot read).',
        'Order',
        'Salesforce_Path__c',
        'Run sf stripe cpq mapping check and correct Salesforce_Path__c of Customer_Region, or create the field on Account and give the integration user read access to it.',
      ],
    ]);
    expectRefusedOrder(
      world,
      order.orderId,
      ['The field mapping Customer_Region points at Region__c, which Account does not have'],
      ['Run sf stripe cpq mapping check'],
    );
    const calls = world.org.requestLog.slice(salesforceBefore);
    // Reads: every GET and composite call but the one that takes the contract's lock (an insert).
    expect(calls.filter((r) => r.method === 'GET' || r.method === 'POST').length - 1).toBeLessThanOrEqual(3);
    expect(calls.filter((r) => r.path.includes('/describe'))).toEqual([]);
    expect(stripeWritesSince(world, stripeBefore)).toEqual([]);
    // The contract's lock is released after the status, so the next sync is not kept waiting.
    expect(world.org.query('SELECT Id FROM Stripe_Sync_Lock__c')).toEqual([]);
  });

  it('a field reached through a lookup names the object that lacks it', async () => {
    world.map({
      Order_Quote_Note: {
        key: 'subscription_schedule',
        stripePath: 'metadata.quote_note',
        salesforcePath: 'SBQQ__Quote__c.Quote_Note__c',
      },
    });
    const result = await world.engine().syncOrder(world.sample('S1').orderId);
    expect(result.errors.map((e) => e.message)).toEqual([
      'The field mapping Order_Quote_Note points at SBQQ__Quote__c.Quote_Note__c, which SBQQ__Quote__c does not have (or the integration user cannot read).',
    ]);
  });
});
