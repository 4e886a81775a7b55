/**
 * Fields and objects: what source-deploy-retrieve does not check (field types and the attributes each
 * needs are checked by parsing, see packageSource.ts), references between objects, and the fields the
 * sync engine, the relay and the Order page rely on (spec §2.8, §2.10, §2.11, §3.7).
 */
import { CustomField, METADATA_TYPE_FIELD_TYPES, readPackageSource } from './packageSource.js';
import { CPQ_OBJECTS, STANDARD_OBJECTS } from './platformObjects.js';

const pkg = readPackageSource();
const allFields = [...pkg.objects.values()].flatMap((object) =>
  [...object.fields.values()].map((field) => ({ object: object.name, field })),
);
const field = (object: string, name: string): CustomField | undefined => pkg.objects.get(object)?.fields.get(name);
const picklistValues = (f: CustomField | undefined) =>
  f?.type === 'Picklist' ? f.valueSet.valueSetDefinition.value.map((v) => v.fullName) : [];
const picklistDefault = (f: CustomField | undefined) =>
  f?.type === 'Picklist' ? f.valueSet.valueSetDefinition.value.find((v) => v.default)?.fullName : undefined;

describe('objects and fields', () => {
  it('parses every field with the schema of its type (valid <type>, the attributes it requires, nothing unknown)', () => {
    expect(() => readPackageSource()).not.toThrow();
    expect(allFields.length).toBeGreaterThan(90);
  });

  it('rejects fields a deploy would reject', () => {
    const base = { fullName: 'X__c', label: 'X' };
    const problems = (xml: object) =>
      (CustomField.safeParse(xml).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ ...base, type: 'Txt', length: '10' })).toEqual([expect.stringContaining('type')]);
    expect(problems({ ...base, type: 'Text' })).toEqual([expect.stringContaining('length')]);
    expect(problems({ ...base, type: 'Text', length: '300' })).toEqual([expect.stringContaining('length')]);
    expect(problems({ ...base, type: 'Number', precision: '5', scale: '6' })).toEqual([
      'scale: must not exceed precision',
    ]);
    expect(problems({ ...base, type: 'Url', length: '255' })).toEqual([expect.stringContaining('length')]);
    const value = (name: string) => ({ fullName: name, default: 'true', label: name });
    expect(
      problems({ ...base, type: 'Picklist', valueSet: { valueSetDefinition: { value: [value('a'), value('b')] } } }),
    ).toEqual(['valueSet: has more than one default value']);
    expect(problems({ ...base, type: 'Lookup', referenceTo: 'Order', relationshipName: 'Xs' })).toEqual([
      expect.stringContaining('deleteConstraint'),
    ]);
  });

  it('gives custom metadata type fields only the types a metadata type allows, and always a manageability', () => {
    const metadataTypeFields = allFields.filter(({ object }) => object.endsWith('__mdt'));
    expect(metadataTypeFields.length).toBeGreaterThan(20);
    expect(
      metadataTypeFields
        .filter(({ field: f }) => !METADATA_TYPE_FIELD_TYPES.has(f.type))
        .map(({ object, field: f }) => `${object}.${f.fullName}: ${f.type}`),
    ).toEqual([]);
    expect(
      metadataTypeFields.filter(({ field: f }) => f.fieldManageability === undefined).map(({ field: f }) => f.fullName),
    ).toEqual([]);
    expect(
      allFields.filter(({ object, field: f }) => !object.endsWith('__mdt') && f.fieldManageability !== undefined),
    ).toEqual([]);
  });

  it('defines every custom object it adds fields to, and adds fields only to standard objects that exist', () => {
    for (const object of pkg.objects.values()) {
      if (object.name.endsWith('__c') || object.name.endsWith('__mdt'))
        expect({ object: object.name, defined: object.definition !== undefined }).toEqual({
          object: object.name,
          defined: true,
        });
      else expect(STANDARD_OBJECTS).toContain(object.name);
    }
  });

  it('points lookups and master-details at objects that exist in the org (standard, CPQ or this package)', () => {
    const references = allFields.flatMap(({ object, field: f }) =>
      f.type === 'Lookup' || f.type === 'MasterDetail' ? [{ from: `${object}.${f.fullName}`, to: f.referenceTo }] : [],
    );
    expect(references.length).toBeGreaterThanOrEqual(7);
    const missing = references.filter(
      ({ to }) => !pkg.objects.get(to)?.definition && !STANDARD_OBJECTS.includes(to) && !CPQ_OBJECTS.includes(to),
    );
    expect(missing).toEqual([]);
  });

  it('names each child relationship once per parent object', () => {
    const names = allFields.flatMap(({ field: f }) =>
      f.type === 'Lookup' || f.type === 'MasterDetail' ? [`${f.referenceTo}.${f.relationshipName}`] : [],
    );
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('gives junction objects their two masters, with the primary one first', () => {
    for (const [junction, master] of [
      ['Quote_Stripe_Coupon_Association__c', 'SBQQ__Quote__c'],
      ['Quote_Line_Stripe_Coupon_Association__c', 'SBQQ__QuoteLine__c'],
    ] as const) {
      const masters = [...(pkg.objects.get(junction)?.fields.values() ?? [])].filter((f) => f.type === 'MasterDetail');
      expect(masters.map((f) => (f.type === 'MasterDetail' ? [f.referenceTo, f.relationshipOrder] : []))).toEqual(
        expect.arrayContaining([
          [master, 0],
          ['Quote_Stripe_Coupon__c', 1],
        ]),
      );
      expect(pkg.objects.get(junction)?.definition?.sharingModel).toBe('ControlledByParent');
    }
  });

  it('puts Stripe_ID__c and Stripe_Dashboard_Link__c on every object synced to Stripe (spec §2.11)', () => {
    for (const object of ['Account', 'Order', 'OrderItem', 'Product2', 'PricebookEntry', 'Quote_Stripe_Coupon__c']) {
      expect([object, field(object, 'Stripe_ID__c')?.type, field(object, 'Stripe_Dashboard_Link__c')?.type]).toEqual([
        object,
        'Text',
        'Url',
      ]);
    }
    // Webhooks and the relay find customers, orders and products by their Stripe id.
    for (const object of ['Account', 'Order', 'Product2', 'Quote_Stripe_Coupon__c']) {
      const id = field(object, 'Stripe_ID__c');
      expect([object, id?.type === 'Text' && id.externalId]).toEqual([object, true]);
    }
  });

  it('gives the Order the sync and invoice fields the relay and the Order page use, and no lease fields (locks are records of their own)', () => {
    const expected: Record<string, string> = {
      Stripe_Sync_Status__c: 'Picklist',
      Stripe_Last_Sync__c: 'DateTime',
      Stripe_Sync_Message__c: 'LongTextArea',
      Stripe_Sync_Fix__c: 'LongTextArea', // one fix per error: several errors outgrow Text(255)
      Stripe_Sync_Doc_Link__c: 'Url',
      Skip_Past_Initial_Invoices__c: 'Checkbox',
      Stripe_Invoice_Payment_Link__c: 'Url',
      Stripe_Invoice_Dashboard_Link__c: 'Url',
      Stripe_Invoice_Status__c: 'Picklist',
      Stripe_Invoice_Amount_Due__c: 'Currency',
      Stripe_Invoice_Amount_Paid__c: 'Currency',
      Stripe_Customer_Link__c: 'Url',
      Stripe_Billing_Summary__c: 'LongTextArea', // the card's billing summary (JSON, core/billingSummary)
    };
    for (const [name, type] of Object.entries(expected))
      expect([name, field('Order', name)?.type]).toEqual([name, type]);
    expect([field('Order', 'Stripe_Sync_Lease_Owner__c'), field('Order', 'Stripe_Sync_Lease_Expires__c')]).toEqual([
      undefined,
      undefined,
    ]);
    expect(picklistValues(field('Order', 'Stripe_Sync_Status__c'))).toEqual([
      'Not Synced',
      'Queued',
      'Syncing',
      'Synced',
      'Failed',
    ]);
    expect(picklistValues(field('Order', 'Stripe_Invoice_Status__c'))).toEqual([
      'draft',
      'open',
      'paid',
      'uncollectible',
      'void',
      'payment_failed',
    ]);
    expect(field('OrderItem', 'Skip_Line_Item__c')?.type).toBe('Checkbox');
  });

  it('keeps money fields at the 2 decimals Salesforce currency fields hold', () => {
    const currencyFields = allFields.filter(({ field: f }) => f.type === 'Currency');
    expect(currencyFields.length).toBe(3);
    for (const { field: f } of currencyFields) expect(f.type === 'Currency' && [f.precision, f.scale]).toEqual([18, 2]);
  });

  it('gives Stripe_Sync_Record__c the fields of spec §2.10 and §3.7, upserted by a unique Compound_ID__c', () => {
    const compound = field('Stripe_Sync_Record__c', 'Compound_ID__c');
    expect(compound?.type === 'Text' && [compound.length, compound.externalId, compound.unique]).toEqual([
      255,
      true,
      true,
    ]);
    for (const name of [
      'Primary_Record_ID__c',
      'Primary_Object_Type__c',
      'Secondary_Record_ID__c',
      'Secondary_Object_Type__c',
    ]) {
      expect([name, field('Stripe_Sync_Record__c', name)?.type]).toEqual([name, 'Text']);
    }
    expect(field('Stripe_Sync_Record__c', 'Resolution_Message__c')?.type).toBe('LongTextArea');
    expect(field('Stripe_Sync_Record__c', 'Resolution_Fix__c')?.type).toBe('LongTextArea');
    expect(field('Stripe_Sync_Record__c', 'Resolution_Documentation_Link__c')?.type).toBe('Url');
    expect(field('Stripe_Sync_Record__c', 'Stripe_Request_Dashboard_Link__c')?.type).toBe('Url');
    expect(picklistValues(field('Stripe_Sync_Record__c', 'Resolution_Status__c'))).toEqual([
      'Error',
      'Resolved',
      'Skipped',
      'Success',
    ]);
    const order = field('Stripe_Sync_Record__c', 'Order__c');
    expect(order?.type === 'Lookup' && [order.referenceTo, order.relationshipName]).toEqual([
      'Order',
      'Stripe_Sync_Records',
    ]);
  });

  it('gives Stripe_Sync_Request__c a status that starts Queued, a requester, a claim lease and a retry time', () => {
    const status = field('Stripe_Sync_Request__c', 'Status__c');
    expect(picklistValues(status)).toEqual(['Queued', 'Syncing', 'Synced', 'Failed', 'Retrying', 'Previewed']);
    expect(picklistDefault(status)).toBe('Queued');
    const type = field('Stripe_Sync_Request__c', 'Type__c');
    expect(picklistValues(type)).toEqual(['Sync', 'Preview']);
    expect(picklistDefault(type)).toBe('Sync');
    const order = field('Stripe_Sync_Request__c', 'Order__c');
    expect(order?.type === 'Lookup' && [order.referenceTo, order.relationshipName]).toEqual([
      'Order',
      'Stripe_Sync_Requests',
    ]);
    const requestedBy = field('Stripe_Sync_Request__c', 'Requested_By__c');
    expect(requestedBy?.type === 'Lookup' && requestedBy.referenceTo).toBe('User');
    for (const [name, type] of Object.entries({
      Requested_At__c: 'DateTime',
      Started_At__c: 'DateTime',
      Finished_At__c: 'DateTime',
      Message__c: 'LongTextArea',
      Attempts__c: 'Number',
      Claimed_By__c: 'Text',
      Lease_Expires__c: 'DateTime',
      Next_Attempt_At__c: 'DateTime',
      Preview_Result__c: 'LongTextArea',
    })) {
      expect([name, field('Stripe_Sync_Request__c', name)?.type]).toEqual([name, type]);
    }
  });

  it('gives Stripe_Sync_Lock__c a required unique external-id key, its holder and a required expiry', () => {
    const key = field('Stripe_Sync_Lock__c', 'Lock_Key__c');
    expect(key?.type === 'Text' && [key.length, key.externalId, key.unique, key.required]).toEqual([
      100,
      true,
      true,
      true,
    ]);
    expect(field('Stripe_Sync_Lock__c', 'Held_By__c')?.type).toBe('Text');
    const expires = field('Stripe_Sync_Lock__c', 'Expires_At__c');
    expect(expires?.type === 'DateTime' && expires.required).toBe(true);
  });

  it('gives Quote_Stripe_Coupon__c the Stripe coupon fields (spec §2.8), duration once by default', () => {
    for (const [name, type] of Object.entries({
      Name__c: 'Text',
      Percent_Off__c: 'Percent',
      Amount_Off__c: 'Currency',
      Duration__c: 'Picklist',
      Duration_In_Months__c: 'Number',
      Max_Redemptions__c: 'Number',
    })) {
      expect([name, field('Quote_Stripe_Coupon__c', name)?.type]).toEqual([name, type]);
    }
    expect(picklistValues(field('Quote_Stripe_Coupon__c', 'Duration__c'))).toEqual(['once', 'repeating', 'forever']);
    expect(picklistDefault(field('Quote_Stripe_Coupon__c', 'Duration__c'))).toBe('once');
    const name = field('Quote_Stripe_Coupon__c', 'Name__c');
    expect(name?.type === 'Text' && name.length).toBe(40); // Stripe's limit on coupon names
  });

  it('lists Sync Records in views that filter and show fields of the object', () => {
    const syncRecord = pkg.objects.get('Stripe_Sync_Record__c');
    const views = syncRecord?.listViews ?? [];
    expect(views.map((v) => v.fullName).sort()).toEqual([
      'All_Sync_Records',
      'Failed_Sync_Records',
      'Successful_Sync_Records',
    ]);
    const STANDARD_COLUMNS = ['NAME', 'LAST_UPDATE', 'CREATED_DATE', 'OWNER.ALIAS'];
    for (const view of views) {
      const unknown = [...view.columns, ...(view.filters ?? []).map((f) => f.field)].filter(
        (name) => !STANDARD_COLUMNS.includes(name) && !syncRecord?.fields.has(name),
      );
      expect([view.fullName, unknown]).toEqual([view.fullName, []]);
      for (const column of view.columns) {
        // Long text areas cannot be list view columns or filters.
        expect([view.fullName, column, syncRecord?.fields.get(column)?.type]).not.toEqual([
          view.fullName,
          column,
          'LongTextArea',
        ]);
      }
    }
    const filterOf = (name: string) => views.find((v) => v.fullName === name)?.filters;
    expect(filterOf('Failed_Sync_Records')).toEqual([
      { field: 'Resolution_Status__c', operation: 'equals', value: 'Error' },
    ]);
    expect(filterOf('Successful_Sync_Records')).toEqual([
      { field: 'Resolution_Status__c', operation: 'equals', value: 'Success' },
    ]);
  });
});
