/**
 * One test per check of `mapping check` (spec §2.2, §2.6.6, §2.13): each record is built to fail one
 * rule, and the test asserts it fails for that reason — the record, the field, the message and the fix.
 */
import { checkMappings, type MappingCheckResult } from '../../plugin/src/mappingCheck/checkMappings.js';
import type { MappingRecord } from '../../plugin/src/salesforce/settingsReader.js';
import { SYNCED_OBJECTS, type FieldDescribe } from '../../plugin/src/mappingCheck/orgSchema.js';
import { GRAPH_LOOKUPS } from '../../plugin/src/salesforce/mappedFields.js';
import { checkMappingRecords } from '../../plugin/src/salesforce/mappingRecordCheck.js';
import { localSchema, mapping, type MappingSpec } from './support.js';

const field = (name: string, type: string, extra: Partial<FieldDescribe> = {}): FieldDescribe => ({
  name,
  type,
  ...extra,
});
const schema = localSchema
  .withFields('Account', [field('Region__c', 'string', { length: 80 })])
  .withFields('Order', [
    field('Notes__c', 'textarea', { length: 32768 }),
    field('Auto_Tax__c', 'boolean'),
    field('Trial_End__c', 'datetime'),
    field('Net_Days__c', 'double'),
    field('Terms_Text__c', 'string', { length: 40 }),
    field('Tax_Flag_Text__c', 'string', { length: 10 }),
  ])
  .withFields('OrderItem', [field('Line_Note__c', 'string', { length: 255 })]);

function check(records: readonly MappingRecord[], dueOnReceiptAsZeroDays = true): MappingCheckResult {
  return checkMappings(records, schema, { dueOnReceiptAsZeroDays });
}

/** The problems of one record, as [severity, field, message, fix]. */
function problemsOf(spec: MappingSpec, dueOnReceiptAsZeroDays = true): string[][] {
  const record = mapping({ name: 'Under_Test', ...spec });
  return check([record], dueOnReceiptAsZeroDays).problems.map((p) => {
    expect([p.recordType, p.record]).toEqual(['Stripe_Field_Mapping__mdt', 'Under_Test']);
    return [p.severity, p.field, p.message, p.fix];
  });
}

describe('Stripe paths, from the catalogue of the pinned API version', () => {
  it('accepts a valid path for the Stripe object behind the key, including metadata keys and the product’s own paths', () => {
    for (const spec of [
      { key: 'customer', stripePath: 'address.line1', salesforcePath: 'BillingStreet' },
      { key: 'subscription_schedule', stripePath: 'metadata.order_number', salesforcePath: 'OrderNumber' },
      { key: 'subscription_item', stripePath: 'metadata.line', salesforcePath: 'Id' },
      { key: 'subscription_phase', stripePath: 'iterations', salesforcePath: 'Net_Days__c' },
      { key: 'subscription_schedule', stripePath: 'sbc_termination.metadata.reason', salesforcePath: 'Terms_Text__c' },
    ]) {
      expect([spec.stripePath, problemsOf(spec)]).toEqual([spec.stripePath, []]);
    }
  });

  it('rejects metdata.x with a "did you mean metadata.x"', () => {
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: 'metdata.x', salesforcePath: 'OrderNumber' }),
    ).toEqual([
      [
        'error',
        'Stripe_Path__c',
        'Stripe subscription schedules have no parameter "metdata.x" in API version 2026-10-28.endive. Did you mean "metadata.x"?',
        'Change the Stripe path to metadata.x.',
      ],
    ]);
  });

  it('rejects recuring.interval on a price, suggesting recurring.interval', () => {
    expect(problemsOf({ key: 'price', stripePath: 'recuring.interval', staticValue: 'month' })).toEqual([
      [
        'error',
        'Stripe_Path__c',
        'Stripe prices have no parameter "recuring.interval" in API version 2026-10-28.endive. Did you mean "recurring.interval"?',
        'Change the Stripe path to recurring.interval.',
      ],
    ]);
  });

  it('rejects a path of another Stripe object (customers have no days_until_due), without a wild guess', () => {
    const [problem] = problemsOf({ key: 'customer', stripePath: 'days_until_due', salesforcePath: 'Name' });
    expect(problem?.slice(0, 3)).toEqual([
      'error',
      'Stripe_Path__c',
      'Stripe customers have no parameter "days_until_due" in API version 2026-10-28.endive.',
    ]);
    expect(problem?.[3]).toBe("Use a parameter of Stripe's CustomerCreateParams (see docs.stripe.com/api).");
  });
});

describe('Salesforce paths, from the org’s describe', () => {
  it('follows 1:1 lookups (Order → Account, Order → Quote) and names the fields the reader must add to the core’s models', () => {
    const result = check([
      mapping({
        key: 'subscription_schedule',
        stripePath: 'metadata.account_region',
        salesforcePath: 'Account.Region__c',
      }),
      mapping({
        key: 'subscription_schedule',
        stripePath: 'metadata.quote_start',
        salesforcePath: 'SBQQ__Quote__c.SBQQ__StartDate__c',
      }),
    ]);
    expect(result.problems).toEqual([]);
    expect(result.readFields).toEqual({ Account: ['Region__c'] });
  });

  it('gives the sync engine the extra fields of the valid mappings, per sObject, leaving out paths the org does not have', () => {
    const result = check([
      mapping({
        name: 'Region',
        key: 'subscription_schedule',
        stripePath: 'metadata.region',
        salesforcePath: 'Account.Region__c',
      }),
      mapping({ name: 'Nope', key: 'subscription_schedule', stripePath: 'metadata.x', salesforcePath: 'Nope__c' }),
      mapping({ name: 'Note', key: 'subscription_item', stripePath: 'metadata.note', salesforcePath: 'Line_Note__c' }),
      mapping({ name: 'Quantity', key: 'subscription_item', stripePath: 'quantity', salesforcePath: 'Quantity' }),
    ]);
    expect(result.problems.map((p) => [p.severity, p.record, p.field])).toEqual([
      ['error', 'Nope', 'Salesforce_Path__c'],
    ]);
    expect(result.readFields).toEqual({ Account: ['Region__c'], OrderItem: ['Line_Note__c'] });
  });

  /**
   * Lookups between synced objects that reach records the graph does not read (a contact other than the
   * quote's primary one, another order, a bundle's root line, a shipping account): the reader does not
   * follow them, and a mapping through one is refused by the engine and by the check alike.
   */
  const NOT_FOLLOWED = new Set([
    'Order.BillToContactId',
    'Order.ShipToContactId',
    'Order.CustomerAuthorizedById',
    'Order.OriginalOrderId',
    'OrderItem.OriginalOrderItemId',
    'OrderItem.SBQQ__BundleRoot__c',
    'OrderItem.SBQQ__Contract__c',
    'OrderItem.SBQQ__RequiredBy__c',
    'OrderItem.SBQQ__ShippingAccount__c',
    'Account.MasterRecordId',
    'Account.ParentId',
    'Account.SBQQ__DefaultOpportunity__c',
    'Opportunity.ContactId',
    'Opportunity.SBQQ__RenewedContract__c',
    'Contract.CustomerSignedId',
    'Contract.SBQQ__RenewalOpportunity__c',
    'SBQQ__Quote__c.SBQQ__Distributor__c',
    'SBQQ__Quote__c.SBQQ__MasterContract__c',
    'SBQQ__Quote__c.SBQQ__MasterEvergreenContract__c',
    'SBQQ__Quote__c.SBQQ__OriginalQuote__c',
    'SBQQ__Quote__c.SBQQ__Partner__c',
    'SBQQ__Quote__c.SBQQ__Source__c',
    'SBQQ__QuoteLine__c.SBQQ__RequiredBy__c',
    'SBQQ__QuoteLine__c.SBQQ__Source__c',
    'Product2.SBQQ__RenewalProduct__c',
    'Product2.SBQQ__UpgradeSource__c',
    'Product2.SBQQ__UpgradeTarget__c',
  ]);

  it('has the engine’s reader follow every lookup between synced objects that the check accepts, to the same object', () => {
    const lookups = SYNCED_OBJECTS.flatMap((object) =>
      (schema.object(object)?.fields ?? [])
        .filter(
          (f) =>
            f.type === 'reference' &&
            f.referenceTo?.length === 1 &&
            SYNCED_OBJECTS.includes(f.referenceTo[0] as string) &&
            !NOT_FOLLOWED.has(`${object}.${f.name}`),
        )
        .map((f) => [`${object}.${f.name}`, f.referenceTo?.[0]]),
    );
    expect(lookups.length).toBeGreaterThan(20);
    expect(lookups.map(([field]) => [field, GRAPH_LOOKUPS[field?.split('.')[1] as string]])).toEqual(lookups);
  });

  it('refuses a path through a lookup the reader does not follow, with the engine’s own message (BillToContact.Id)', () => {
    // A mapping key whose record reaches the object, and the path from that record to it.
    const reach: Readonly<Record<string, readonly [key: string, path: string]>> = {
      Order: ['subscription_schedule', ''],
      OrderItem: ['subscription_item', ''],
      Account: ['customer', ''],
      Product2: ['product', ''],
      Opportunity: ['subscription_schedule', 'Opportunity.'],
      Contract: ['subscription_schedule', 'Contract.'],
      SBQQ__Quote__c: ['subscription_schedule', 'SBQQ__Quote__c.'],
      SBQQ__QuoteLine__c: ['subscription_item', 'SBQQ__QuoteLine__c.'],
    };
    for (const lookup of NOT_FOLLOWED) {
      const [object = '', name = ''] = lookup.split('.');
      const [key = '', prefix = ''] = reach[object] ?? [];
      const spec = { key, stripePath: 'metadata.x', salesforcePath: `${prefix}${name.replace(/Id$/, '')}.Id` };
      const engine = checkMappingRecords([mapping({ name: 'Under_Test', ...spec })]).problems.map((p) => [
        'error',
        p.field,
        p.message,
        p.fix,
      ]);
      expect(engine).toHaveLength(1);
      expect([lookup, problemsOf(spec)]).toEqual([lookup, engine]);
    }
  });

  it('rejects an unknown field with the closest field name', () => {
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: 'metadata.region', salesforcePath: 'Account.Regoin__c' }),
    ).toEqual([
      [
        'error',
        'Salesforce_Path__c',
        'Account has no field "Regoin__c" (in "Account.Regoin__c"). Did you mean "Region__c"?',
        'Use the API name of a field on Account.',
      ],
    ]);
  });

  it('rejects an unknown lookup with the closest relationship', () => {
    expect(
      problemsOf({
        key: 'subscription_schedule',
        stripePath: 'metadata.region',
        salesforcePath: 'Acount.Region__c',
      })[0]?.slice(0, 3),
    ).toEqual([
      'error',
      'Salesforce_Path__c',
      'Order has no lookup "Acount" (in "Acount.Region__c"). Did you mean "Account"?',
    ]);
  });

  it('rejects a one-to-many path (an Order’s OrderItems)', () => {
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: 'metadata.qty', salesforcePath: 'OrderItems.Quantity' }),
    ).toEqual([
      [
        'error',
        'Salesforce_Path__c',
        '"OrderItems.Quantity" crosses Order.OrderItems, a one-to-many relationship to OrderItem: one Order has many.',
        'Map only through lookups to a single parent record (for example Account.Name from an Order).',
      ],
    ]);
  });

  it('rejects a path through a field that is not a lookup', () => {
    expect(
      problemsOf({
        key: 'subscription_schedule',
        stripePath: 'metadata.x',
        salesforcePath: 'OrderNumberId.Name',
      })[0]?.[2],
    ).toMatch(/has no lookup "OrderNumberId"/);
    expect(problemsOf({ key: 'customer', stripePath: 'metadata.x', salesforcePath: 'Region__c.Name' })).toEqual([
      [
        'error',
        'Salesforce_Path__c',
        'Account.Region__c in "Region__c.Name" is a string field, not a lookup, so nothing can be read through it.',
        'End the path at Region__c, or go through a lookup field.',
      ],
    ]);
  });

  it('rejects a lookup to a record the sync never reads (the order’s owner)', () => {
    expect(
      problemsOf({
        key: 'subscription_schedule',
        stripePath: 'metadata.owner',
        salesforcePath: 'Owner.Name',
      })[0]?.slice(0, 3),
    ).toEqual([
      'error',
      'Salesforce_Path__c',
      'The sync does not read User records, so "Owner.Name" would always be empty.',
    ]);
  });
});

describe('type compatibility', () => {
  const days = 'default_settings.invoice_settings.days_until_due';

  it('accepts a payment-term picklist and a number field for days_until_due', () => {
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: days, salesforcePath: 'SBQQ__PaymentTerm__c' }),
    ).toEqual([]);
    expect(problemsOf({ key: 'subscription_schedule', stripePath: days, salesforcePath: 'Net_Days__c' })).toEqual([]);
  });

  it('flags a text field into days_until_due', () => {
    expect(problemsOf({ key: 'subscription_schedule', stripePath: days, salesforcePath: 'Terms_Text__c' })).toEqual([
      [
        'error',
        'Salesforce_Path__c',
        `Terms_Text__c (string) cannot be read as a payment term for ${days}.`,
        'Map days_until_due to a number field or a payment-term picklist whose values are integers or Net 15, 30, 45, 60 or 90.',
      ],
    ]);
  });

  it('warns when some payment terms of the picklist fail (Due on Receipt with the q16 option off)', () => {
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: days, salesforcePath: 'SBQQ__PaymentTerm__c' }, false),
    ).toEqual([
      [
        'warning',
        'Salesforce_Path__c',
        `SBQQ__PaymentTerm__c (picklist) has picklist values the sync rejects for ${days}: Unsupported field value for days_until_due: Due on Receipt`,
        expect.any(String),
      ],
    ]);
  });

  it('wants a date for start_date', () => {
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: 'start_date', salesforcePath: 'EffectiveDate' }),
    ).toEqual([]);
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: 'start_date', salesforcePath: 'OrderNumber' })[0]?.slice(
        0,
        3,
      ),
    ).toEqual([
      'error',
      'Salesforce_Path__c',
      "OrderNumber (string) is not a date; start_date needs the subscription's first day.",
    ]);
  });

  it('converts only the schedule’s start date: a date into a phase end_date is rejected', () => {
    expect(
      problemsOf({ key: 'subscription_phase', stripePath: 'end_date', salesforcePath: 'EndDate' })[0]?.slice(0, 3),
    ).toEqual([
      'error',
      'Salesforce_Path__c',
      'EndDate (date) is a date, but end_date takes a Unix timestamp; the sync converts a date only for the schedule’s start_date.',
    ]);
  });

  it('rejects a date-time into a timestamp parameter the sync does not convert (phase trial_end)', () => {
    expect(
      problemsOf({ key: 'subscription_phase', stripePath: 'trial_end', salesforcePath: 'Trial_End__c' })[0]?.slice(
        0,
        3,
      ),
    ).toEqual([
      'error',
      'Salesforce_Path__c',
      'Trial_End__c (datetime) is a datetime, but trial_end takes a Unix timestamp; the sync converts a date only for the schedule’s start_date.',
    ]);
  });

  it('wants numbers in numeric parameters', () => {
    expect(
      problemsOf({ key: 'price_order_item', stripePath: 'unit_amount_decimal', salesforcePath: 'ListPrice' }),
    ).toEqual([]);
    expect(
      problemsOf({ key: 'price_order_item', stripePath: 'unit_amount_decimal', salesforcePath: 'Line_Note__c' }),
    ).toEqual([
      [
        'error',
        'Salesforce_Path__c',
        'Line_Note__c (string) is not a number, but unit_amount_decimal is numeric.',
        'Map unit_amount_decimal to a Number, Currency or Percent field.',
      ],
    ]);
  });

  it('wants a checkbox for booleans, and warns about true/false text', () => {
    const path = 'default_settings.automatic_tax.enabled';
    expect(problemsOf({ key: 'subscription_schedule', stripePath: path, salesforcePath: 'Auto_Tax__c' })).toEqual([]);
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: path, salesforcePath: 'Tax_Flag_Text__c' })[0]?.slice(
        0,
        3,
      ),
    ).toEqual([
      'warning',
      'Salesforce_Path__c',
      `Tax_Flag_Text__c (string) is read as true/false text for ${path}; any other value fails the sync.`,
    ]);
    expect(problemsOf({ key: 'subscription_schedule', stripePath: path, salesforcePath: 'Net_Days__c' })[0]?.[0]).toBe(
      'error',
    );
  });

  it('checks picklist values against a Stripe enum', () => {
    expect(problemsOf({ key: 'subscription_schedule', stripePath: 'end_behavior', salesforcePath: 'Status' })).toEqual([
      [
        'error',
        'Salesforce_Path__c',
        expect.stringMatching(
          /^Status \(picklist\) has picklist values Stripe rejects for end_behavior: Draft, Activated/,
        ),
        'Use only cancel, none, release, renew as values.',
      ],
    ]);
  });

  it('rejects a field into an object parameter', () => {
    expect(problemsOf({ key: 'customer', stripePath: 'address', salesforcePath: 'BillingStreet' })).toEqual([
      [
        'error',
        'Salesforce_Path__c',
        'address is an object, not a value.',
        'Map its fields instead, for example address.<field>.',
      ],
    ]);
  });
});

describe('static values (field defaults)', () => {
  it('accept enum values, numbers, booleans and payment terms that fit', () => {
    for (const [key, stripePath, staticValue] of [
      ['subscription_schedule', 'default_settings.collection_method', 'send_invoice'],
      ['subscription_schedule', 'default_settings.invoice_settings.days_until_due', 'Net 30'],
      ['subscription_schedule', 'default_settings.automatic_tax.enabled', 'true'],
      ['coupon', 'max_redemptions', '10'],
      ['customer', 'metadata.Source', 'Salesforce'],
    ] as const) {
      expect([stripePath, problemsOf({ key, stripePath, staticValue })]).toEqual([stripePath, []]);
    }
  });

  it('reject a value outside a Stripe enum, naming the allowed ones', () => {
    expect(
      problemsOf({
        key: 'subscription_schedule',
        stripePath: 'default_settings.collection_method',
        staticValue: 'send_invoices',
      }),
    ).toEqual([
      [
        'error',
        'Static_Value__c',
        'The static value "send_invoices" does not fit default_settings.collection_method.',
        'Use charge_automatically, send_invoice.',
      ],
    ]);
  });

  it('reject "Net 20" for days_until_due with the documented message (S8 variant)', () => {
    expect(
      problemsOf({
        key: 'subscription_schedule',
        stripePath: 'default_settings.invoice_settings.days_until_due',
        staticValue: 'Net 20',
      })[0]?.slice(0, 3),
    ).toEqual([
      'error',
      'Static_Value__c',
      'The static value for default_settings.invoice_settings.days_until_due is rejected: Recieved unexpected days_until_due option: Net 20',
    ]);
  });

  it('reject text in numeric and boolean parameters', () => {
    expect(problemsOf({ key: 'coupon', stripePath: 'max_redemptions', staticValue: 'ten' })[0]?.[2]).toBe(
      'The static value "ten" does not fit max_redemptions.',
    );
    expect(
      problemsOf({
        key: 'subscription_schedule',
        stripePath: 'default_settings.automatic_tax.enabled',
        staticValue: 'yes',
      })[0]?.[2],
    ).toBe('The static value "yes" does not fit default_settings.automatic_tax.enabled.');
  });
});

describe('metadata limits, counting the product’s own keys', () => {
  const metadata = (n: number, key = 'subscription_schedule') =>
    Array.from({ length: n }, (_, i) =>
      mapping({ name: `Meta_${String(i).padStart(2, '0')}`, key, stripePath: `metadata.k${i}`, staticValue: 'x' }),
    );

  it('allows 44 schedule keys: they also land on every phase, where the product may write 6 of its own', () => {
    expect(check(metadata(44)).problems).toEqual([]);
    expect(check(metadata(45)).problems.map((p) => [p.record, p.message, p.fix])).toEqual([
      [
        'Meta_44',
        'The Stripe schedule phase would get up to 51 metadata keys (6 written by the product, 45 mapped); Stripe allows 50.',
        'Remove or deactivate at least 1 metadata mapping(s) of subscription_schedule and subscription_phase.',
      ],
    ]);
  });

  it('reports the schedule itself once 49 keys plus salesforce_order_id/_link pass 50, on the record that crosses it', () => {
    expect(check(metadata(49)).problems.map((p) => [p.record, p.message])).toEqual([
      [
        'Meta_48',
        'The Stripe subscription schedule would get up to 51 metadata keys (2 written by the product, 49 mapped); Stripe allows 50.',
      ],
      [
        'Meta_44',
        'The Stripe schedule phase would get up to 55 metadata keys (6 written by the product, 49 mapped); Stripe allows 50.',
      ],
    ]);
  });

  it('counts each Stripe object on its own (50 customer keys do not touch the schedule)', () => {
    expect(check(metadata(48, 'customer')).problems).toEqual([]);
    expect(check(metadata(49, 'customer')).problems.map((p) => p.message)).toEqual([
      'The Stripe customer would get up to 51 metadata keys (2 written by the product, 49 mapped); Stripe allows 50.',
    ]);
  });

  it('rejects keys over 40 characters, with brackets, or that the product writes itself', () => {
    expect(problemsOf({ key: 'customer', stripePath: `metadata.${'k'.repeat(41)}`, staticValue: 'x' })[0]?.[2]).toBe(
      `The metadata key "${'k'.repeat(41)}" is 41 characters; Stripe allows 40.`,
    );
    expect(
      problemsOf({ key: 'customer', stripePath: 'metadata.salesforce_account_id', salesforcePath: 'Name' })[0]?.[2],
    ).toBe(
      'The metadata key "salesforce_account_id" is one the product writes itself; the mapping would overwrite it.',
    );
  });

  it('rejects a static value over 500 characters and warns about a long text field', () => {
    expect(
      problemsOf({ key: 'customer', stripePath: 'metadata.note', staticValue: 'x'.repeat(501) })[0]?.slice(0, 3),
    ).toEqual([
      'error',
      'Static_Value__c',
      'The static metadata value for metadata.note is 501 characters; Stripe allows 500.',
    ]);
    expect(
      problemsOf({ key: 'subscription_schedule', stripePath: 'metadata.notes', salesforcePath: 'Notes__c' })[0]?.slice(
        0,
        3,
      ),
    ).toEqual([
      'warning',
      'Salesforce_Path__c',
      'Notes__c (textarea) can hold more than 500 characters; Stripe rejects longer metadata values.',
    ]);
  });
});

describe('mapping records', () => {
  it('rejects an unknown mapping key, suggesting the closest', () => {
    expect(problemsOf({ key: 'custmer', stripePath: 'name', salesforcePath: 'Name' })).toEqual([
      [
        'error',
        'Mapping_Key__c',
        '"custmer" is not a mapping key. Did you mean "customer"?',
        expect.stringMatching(/^Use one of customer, product, price/),
      ],
    ]);
  });

  it('wants exactly one of a Salesforce path and a static value', () => {
    expect(
      problemsOf({ key: 'customer', stripePath: 'name', salesforcePath: 'Name', staticValue: 'x' })[0]?.slice(0, 3),
    ).toEqual(['error', 'Static_Value__c', 'Both a Salesforce path and a static value are set.']);
    expect(problemsOf({ key: 'customer', stripePath: 'name' })[0]?.slice(0, 3)).toEqual([
      'error',
      'Salesforce_Path__c',
      'Neither a Salesforce path nor a static value is set.',
    ]);
  });

  it('rejects two user records for one path, skips inactive records, and lets a User record override a Default', () => {
    const result = check([
      mapping({
        name: 'Customer_Name',
        key: 'customer',
        stripePath: 'name',
        salesforcePath: 'Name',
        source: 'Default',
      }),
      mapping({ name: 'Name_From_Region', key: 'customer', stripePath: 'name', salesforcePath: 'Region__c' }),
      mapping({ name: 'Name_Again', key: 'customer', stripePath: 'name', salesforcePath: 'Phone' }),
      mapping({ name: 'Off', key: 'customer', stripePath: 'nonsense', salesforcePath: 'Nope__c', active: false }),
    ]);
    expect(result.problems.map((p) => [p.record, p.message])).toEqual([
      ['Name_Again', 'name of customer is already set by Name_From_Region; only one of them would apply.'],
    ]);
    expect(result.config.fieldMappings.customer).toEqual({ name: 'Region__c' });
  });

  it('warns about an edited or deactivated shipped default (DEFAULT_MAPPINGS is the source of truth)', () => {
    const result = check([
      mapping({
        name: 'Customer_Phone',
        key: 'customer',
        stripePath: 'phone',
        salesforcePath: 'Region__c',
        source: 'Default',
      }),
      mapping({
        name: 'Customer_Name',
        key: 'customer',
        stripePath: 'name',
        salesforcePath: 'Name',
        source: 'Default',
        active: false,
      }),
    ]);
    expect(result.problems.map((p) => [p.severity, p.record, p.field, p.message])).toEqual([
      [
        'warning',
        'Customer_Phone',
        'Salesforce_Path__c',
        'This shipped default maps phone to Region__c, but the product ships Phone.',
      ],
      [
        'warning',
        'Customer_Name',
        'Active__c',
        'Deactivating the shipped default customer name does not switch it off: the sync always applies shipped defaults.',
      ],
    ]);
  });

  it('rejects what the engine’s mapping format refuses even where Stripe would not (a space in a metadata key)', () => {
    expect(problemsOf({ key: 'customer', stripePath: 'metadata.account region', staticValue: 'x' })).toEqual([
      [
        'error',
        'Stripe_Path__c',
        'The sync cannot read this record: is not a Stripe parameter path like metadata.region.',
        'Use letters, digits and underscores in the path, with dots between its parts.',
      ],
    ]);
    expect(
      problemsOf({ key: 'customer', stripePath: 'metadata.region', salesforcePath: 'Account..Name' })[0]?.slice(0, 3),
    ).toEqual([
      'error',
      'Salesforce_Path__c',
      'The sync cannot read this record: is not a Salesforce field path like Account.Name.',
    ]);
  });

  it('reports every problem of every record in one pass', () => {
    const result = check([
      mapping({ key: 'subscription_schedule', stripePath: 'metdata.x', salesforcePath: 'OrderNumber' }),
      mapping({ key: 'subscription_schedule', stripePath: 'metadata.y', salesforcePath: 'OrderItems.Quantity' }),
      mapping({ key: 'coupon', stripePath: 'max_redemptions', staticValue: 'ten' }),
    ]);
    expect(result.problems.map((p) => p.field)).toEqual(['Stripe_Path__c', 'Salesforce_Path__c', 'Static_Value__c']);
    expect(result.config).toEqual({ fieldMappings: {}, fieldDefaults: {} });
  });
});
