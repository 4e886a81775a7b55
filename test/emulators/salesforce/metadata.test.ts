/**
 * Package metadata in source format becomes schema the org enforces (Metadata API Developer Guide:
 * "CustomObject", "CustomField", "CustomMetadata"): force-app at start, more files at runtime.
 */
import { DEFAULT_FORCE_APP_DIR, EmulatedOrg, SalesforceApiError } from '@stripe-cpq/salesforce-org-emulator';

const field = (name: string, body: string): { path: string; content: string } => ({
  path: `objects/Invoice_Note__c/fields/${name}.field-meta.xml`,
  content: `<?xml version="1.0" encoding="UTF-8"?><CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>${name}</fullName><label>${name}</label>${body}</CustomField>`,
});

function errorCodeOf(write: () => unknown): string | undefined {
  try {
    write();
  } catch (error) {
    return error instanceof SalesforceApiError ? error.errorCode : String(error);
  }
  return undefined;
}

describe('force-app metadata', () => {
  const org = new EmulatedOrg();
  const loaded = org.loadMetadataDir(DEFAULT_FORCE_APP_DIR);

  it('adds the package objects and the fields it puts on standard objects', () => {
    expect(loaded.objects).toEqual(expect.arrayContaining(['Stripe_Sync_Record__c', 'Stripe_Field_Mapping__mdt']));
    expect(org.schema.field('Order', 'stripe_id__c')).toMatchObject({
      name: 'Stripe_ID__c',
      type: 'string',
      custom: true,
    });
    expect(org.schema.field('OrderItem', 'Skip_Line_Item__c')).toMatchObject({
      type: 'boolean',
      nillable: false,
      defaultValue: false,
    });
    expect(org.schema.field('Quote_Stripe_Coupon__c', 'Duration__c')).toMatchObject({
      type: 'picklist',
      restrictedPicklist: true,
      picklistValues: ['once', 'repeating', 'forever'],
      defaultValue: 'once',
    });
  });

  it('makes master-detail fields required and gives the parent its child relationship', () => {
    expect(org.schema.field('Quote_Stripe_Coupon_Association__c', 'Quote__c')).toMatchObject({
      type: 'reference',
      nillable: false,
      referenceTo: ['SBQQ__Quote__c'],
      relationshipName: 'Quote__r',
    });
    expect(org.schema.childRelationship('SBQQ__Quote__c', 'Quote_Stripe_Coupon_Associations__r')).toMatchObject({
      childSObject: 'Quote_Stripe_Coupon_Association__c',
      field: 'Quote__c',
    });
  });

  it('turns permission sets into PermissionSet rows that can be assigned to users', () => {
    expect(loaded.permissionSets).toEqual(expect.arrayContaining(['Stripe_CPQ_Admin', 'Stripe_CPQ_Integration_User']));
    const [admin] = org.query("SELECT Id, Name, Label FROM PermissionSet WHERE Name = 'Stripe_CPQ_Admin'");
    expect(admin?.Label).toEqual(expect.any(String));
    org.store.insert('PermissionSetAssignment', { AssigneeId: org.userId, PermissionSetId: admin?.Id });
    expect(
      org.query(`SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '${org.userId}'`),
    ).toEqual([expect.objectContaining({ PermissionSet: expect.objectContaining({ Name: 'Stripe_CPQ_Admin' }) })]);
  });

  it('loads custom metadata records, queryable with their typed values', () => {
    expect(loaded.customMetadataRecords.length).toBeGreaterThan(0);
    const rows = org.query('SELECT DeveloperName, Active__c FROM Stripe_Field_Mapping__mdt ORDER BY DeveloperName');
    expect(rows.length).toBe(loaded.customMetadataRecords.filter((r) => r.startsWith('Stripe_Field_Mapping.')).length);
    expect(rows.every((r) => typeof r.Active__c === 'boolean')).toBe(true);
    expect(rows.map((r) => r.DeveloperName)).toContain('Customer_Name');
  });
});

describe('package validation rules (Salesforce Help: "Validation Rules"; Formula Operators and Functions)', () => {
  const org = new EmulatedOrg();
  org.loadMetadataDir(DEFAULT_FORCE_APP_DIR);
  const coupon = (fields: Record<string, unknown>): string | undefined =>
    errorCodeOf(() => org.store.insert('Quote_Stripe_Coupon__c', { Name__c: 'C', ...fields }));

  it('evaluates the active rules of force-app on insert: one discount, a percent in (0, 100], months when repeating', () => {
    expect(coupon({ Percent_Off__c: 20, Duration__c: 'once' })).toBeUndefined();
    expect(coupon({ Percent_Off__c: 20, Amount_Off__c: 5 })).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(coupon({})).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(coupon({ Percent_Off__c: 150 })).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(coupon({ Percent_Off__c: 10, Duration__c: 'repeating' })).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(coupon({ Percent_Off__c: 10, Duration__c: 'repeating', Duration_In_Months__c: 3 })).toBeUndefined();
  });

  it('reports the rule message on its error display field', () => {
    let caught: SalesforceApiError | undefined;
    try {
      org.store.insert('Quote_Stripe_Coupon__c', { Name__c: 'C', Percent_Off__c: 20, Amount_Off__c: 5 });
    } catch (error) {
      caught = error as SalesforceApiError;
    }
    expect(caught).toMatchObject({
      fields: ['Amount_Off__c'],
      message: 'Received both Percent_Off__c and Amount_Off__c parameters. Please pass in only one.',
    });
  });

  it('uses PRIORVALUE/ISCHANGED/ISNEW: a synced coupon is immutable, an unsynced one is not (spec §2.8, S7)', () => {
    const id = org.store.insert('Quote_Stripe_Coupon__c', { Name__c: 'C', Percent_Off__c: 20 });
    expect(errorCodeOf(() => org.store.update('Quote_Stripe_Coupon__c', id, { Percent_Off__c: 25 }))).toBeUndefined();
    org.store.update('Quote_Stripe_Coupon__c', id, { Stripe_ID__c: 'coupon_1' });
    expect(errorCodeOf(() => org.store.update('Quote_Stripe_Coupon__c', id, { Percent_Off__c: 30 }))).toBe(
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    );
    expect(errorCodeOf(() => org.store.update('Quote_Stripe_Coupon__c', id, { Name__c: 'Renamed' }))).toBeUndefined();
  });

  it('requires an order on a sync request', () => {
    expect(errorCodeOf(() => org.store.insert('Stripe_Sync_Request__c', {}))).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
  });

  it('refuses to load a rule whose formula it cannot evaluate, naming the rule', () => {
    const rule = `<ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Uses_Regex</fullName><active>true</active><errorConditionFormula>REGEX(Name__c, '[0-9]+')</errorConditionFormula><errorMessage>x</errorMessage></ValidationRule>`;
    expect(() =>
      org.loadMetadata([
        { path: 'objects/Quote_Stripe_Coupon__c/validationRules/Uses_Regex.validationRule-meta.xml', content: rule },
      ]),
    ).toThrow(/Validation rule Quote_Stripe_Coupon__c.Uses_Regex: function REGEX is not supported/);
  });
});

describe('metadata loaded at runtime (what a Metadata API deploy builds on)', () => {
  const org = new EmulatedOrg();

  it('defines a new object with typed fields, enforced on write and visible to SOQL', () => {
    org.loadMetadata([
      {
        path: 'objects/Invoice_Note__c/Invoice_Note__c.object-meta.xml',
        content: `<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"><label>Invoice Note</label><pluralLabel>Invoice Notes</pluralLabel><nameField><label>Note Number</label><type>AutoNumber</type></nameField></CustomObject>`,
      },
      field(
        'Order__c',
        '<type>Lookup</type><referenceTo>Order</referenceTo><relationshipName>Invoice_Notes</relationshipName>',
      ),
      field('Body__c', '<type>Text</type><length>10</length><required>true</required>'),
      field(
        'Kind__c',
        '<type>Picklist</type><valueSet><restricted>true</restricted><valueSetDefinition><value><fullName>Memo</fullName><default>false</default></value></valueSetDefinition></valueSet>',
      ),
    ]);
    const accountId = org.store.insert('Account', { Name: 'Notes Ltd' });
    const orderId = org.store.insert('Order', { AccountId: accountId, EffectiveDate: '2030-01-01' });
    org.store.insert('Invoice_Note__c', { Order__c: orderId, Body__c: 'Paid', Kind__c: 'Memo' });
    const [row] = org.query(
      `SELECT Id, (SELECT Name, Body__c FROM Invoice_Notes__r) FROM Order WHERE Id = '${orderId}'`,
    );
    expect(row?.Invoice_Notes__r).toMatchObject({
      totalSize: 1,
      records: [{ Body__c: 'Paid', Name: expect.stringMatching(/\d+$/) }],
    });
    for (const [fields, code] of [
      [{ Order__c: orderId }, 'REQUIRED_FIELD_MISSING'],
      [{ Body__c: 'far too long text' }, 'STRING_TOO_LONG'],
      [{ Body__c: 'x', Kind__c: 'Other' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'],
    ] as const) {
      expect(errorCodeOf(() => org.store.insert('Invoice_Note__c', fields))).toBe(code);
    }
  });

  it('names the field and the supported types when a field type is not supported', () => {
    expect(() => org.loadMetadata([field('Where__c', '<type>Location</type>')])).toThrow(
      /Where__c: field type Location is not supported/,
    );
  });
});
