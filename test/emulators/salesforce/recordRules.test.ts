/**
 * The rules the org enforces on every write, with Salesforce's error codes (SOAP API Developer Guide,
 * "StatusCode"; REST API Developer Guide, "Status Codes and Error Responses"; "System Fields").
 */
import { DEFAULT_FORCE_APP_DIR, EmulatedOrg, SalesforceApiError } from '@stripe-cpq/salesforce-org-emulator';
import { isSalesforceId } from '../../../plugin/src/core/records/salesforceIds.js';

let clock = new Date('2030-01-01T00:00:00Z');
const org = new EmulatedOrg({ now: () => clock });
org.loadMetadataDir(DEFAULT_FORCE_APP_DIR);
const store = org.store;
const accountId = store.insert('Account', { Name: 'Rules Inc' });

function errorOf(write: () => unknown): SalesforceApiError {
  try {
    write();
  } catch (error) {
    if (error instanceof SalesforceApiError) return error;
    throw error;
  }
  throw new Error('expected the write to fail');
}

describe('record Ids and system fields', () => {
  it('gives 18-character Ids with the object key prefix', () => {
    const orderId = store.insert('Order', { AccountId: accountId, EffectiveDate: '2030-01-01' });
    expect(isSalesforceId(orderId) && orderId.length === 18).toBe(true);
    expect(orderId.slice(0, 3)).toBe('801');
    expect(store.get(orderId.slice(0, 15))?.Id).toBe(orderId);
  });

  it('maintains CreatedDate, LastModifiedDate, SystemModstamp, CreatedById, LastModifiedById and IsDeleted', () => {
    const id = store.insert('Account', { Name: 'Stamped' });
    const created = store.require(id);
    expect(created).toMatchObject({ IsDeleted: false, CreatedById: org.userId, LastModifiedById: org.userId });
    // The clock stands still in this test; the store keeps every write's stamp strictly later than the last.
    expect(created.CreatedDate).toMatch(/^2030-01-01T00:00:00\.\d{3}\+0000$/);
    clock = new Date('2030-01-02T08:30:00Z');
    store.update('Account', id, { Phone: '1' });
    expect(store.require(id)).toMatchObject({
      CreatedDate: created.CreatedDate,
      LastModifiedDate: '2030-01-02T08:30:00.000+0000',
      SystemModstamp: '2030-01-02T08:30:00.000+0000',
    });
  });

  it('numbers orders automatically and defaults restricted picklists (Order.Status = Draft)', () => {
    const a = store.require(store.insert('Order', { AccountId: accountId, EffectiveDate: '2030-01-01' }));
    const b = store.require(store.insert('Order', { AccountId: accountId, EffectiveDate: '2030-01-01' }));
    expect(Number(b.OrderNumber)).toBe(Number(a.OrderNumber) + 1);
    expect(a.Status).toBe('Draft');
  });
});

describe('values the org computes (Object Reference: OrderItem.TotalPrice, Order.TotalAmount)', () => {
  it('keeps TotalPrice = Quantity × UnitPrice and TotalAmount = the sum over the order products', () => {
    const book = store.insert('Pricebook2', { Name: 'Totals' });
    const product = store.insert('Product2', { Name: 'Total item' });
    const entry = store.insert('PricebookEntry', { Pricebook2Id: book, Product2Id: product, UnitPrice: 0.1 });
    const orderId = store.insert('Order', { AccountId: accountId, EffectiveDate: '2030-01-01' });
    const line = (quantity: number, unitPrice: number): string =>
      store.insert('OrderItem', {
        OrderId: orderId,
        Product2Id: product,
        PricebookEntryId: entry,
        Quantity: quantity,
        UnitPrice: unitPrice,
      });
    const a = line(3, 0.1);
    const b = line(2, 19.99);
    expect(store.require(a).TotalPrice).toBe(0.3);
    expect(store.require(orderId).TotalAmount).toBe(40.28);
    store.update('OrderItem', b, { Quantity: -1 });
    expect(store.require(orderId).TotalAmount).toBe(-19.69);
    store.delete('OrderItem', b);
    expect(store.require(orderId).TotalAmount).toBe(0.3);
  });
});

describe('write validation', () => {
  it('REQUIRED_FIELD_MISSING names the missing fields', () => {
    const error = errorOf(() => store.insert('Order', { AccountId: accountId }));
    expect(error).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['EffectiveDate'] });
    expect(error.message).toBe('Required fields are missing: [EffectiveDate]');
  });

  it('INVALID_FIELD for a field the object does not have', () => {
    expect(errorOf(() => store.insert('Account', { Name: 'x', Bogus__c: 1 })).errorCode).toBe('INVALID_FIELD');
  });

  it('INVALID_FIELD_FOR_INSERT_UPDATE for read-only, formula and autonumber fields', () => {
    const error = errorOf(() =>
      store.insert('Order', { AccountId: accountId, EffectiveDate: '2030-01-01', OrderNumber: '42', TotalAmount: 5 }),
    );
    expect(error).toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      fields: ['OrderNumber', 'TotalAmount'],
    });
  });

  it('STRING_TOO_LONG past the field length', () => {
    expect(errorOf(() => store.insert('Account', { Name: 'x'.repeat(256) }))).toMatchObject({
      errorCode: 'STRING_TOO_LONG',
      fields: ['Name'],
    });
  });

  it('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST for a value outside a restricted picklist', () => {
    const error = errorOf(() =>
      store.insert('Order', { AccountId: accountId, EffectiveDate: '2030-01-01', Status: 'Shipped' }),
    );
    expect(error).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['Status'] });
  });

  it('rejects values of the wrong type and references to the wrong object', () => {
    expect(errorOf(() => store.insert('Order', { AccountId: accountId, EffectiveDate: '01/01/2030' })).fields).toEqual([
      'EffectiveDate',
    ]);
    expect(errorOf(() => store.insert('Order', { AccountId: 'nope', EffectiveDate: '2030-01-01' })).errorCode).toBe(
      'MALFORMED_ID',
    );
    const productId = store.insert('Product2', { Name: 'P' });
    expect(errorOf(() => store.insert('Order', { AccountId: productId, EffectiveDate: '2030-01-01' })).errorCode).toBe(
      'FIELD_INTEGRITY_EXCEPTION',
    );
  });

  it('DUPLICATE_VALUE for a second record with the same unique external id (case-insensitive), with no fields, as Salesforce answers', () => {
    const compound = org.schema.field('Stripe_Sync_Record__c', 'Compound_ID__c');
    expect(compound).toMatchObject({ externalId: true, unique: true });
    const first = store.insert('Stripe_Sync_Record__c', { Compound_ID__c: 'ABC-1' });
    const error = errorOf(() => store.insert('Stripe_Sync_Record__c', { Compound_ID__c: 'abc-1' }));
    expect(error).toMatchObject({ errorCode: 'DUPLICATE_VALUE', fields: [] });
    expect(error.message).toBe(`duplicate value found: Compound_ID__c duplicates value on record with id: ${first}`);
    expect(error.message).toContain(first);
  });

  it('FIELD_CUSTOM_VALIDATION_EXCEPTION from a registered validation rule, on insert and update', () => {
    org.store.addValidationRule('Opportunity', (record) =>
      record.StageName === 'Closed Lost' ? { message: 'Lost deals need a reason', field: 'StageName' } : undefined,
    );
    const base = { Name: 'Deal', CloseDate: '2030-02-01' };
    expect(errorOf(() => store.insert('Opportunity', { ...base, StageName: 'Closed Lost' }))).toMatchObject({
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Lost deals need a reason',
      fields: ['StageName'],
    });
    const id = store.insert('Opportunity', { ...base, StageName: 'Prospecting' });
    expect(errorOf(() => store.update('Opportunity', id, { StageName: 'Closed Lost' })).errorCode).toBe(
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    );
    expect(store.require(id).StageName).toBe('Prospecting');
  });

  it('ENTITY_IS_DELETED for a record in the Recycle Bin, NOT_FOUND for an Id the org never had', () => {
    const id = store.insert('Account', { Name: 'Gone' });
    store.delete('Account', id);
    expect(errorOf(() => store.require(id)).errorCode).toBe('ENTITY_IS_DELETED');
    expect(errorOf(() => store.delete('Account', id)).errorCode).toBe('ENTITY_IS_DELETED');
    expect(errorOf(() => store.require('001000000000000AAA')).errorCode).toBe('NOT_FOUND');
  });
});

describe('transactions', () => {
  it('undoes every write of a failed transaction, including nested savepoints', () => {
    const before = store.count('Account');
    expect(() =>
      store.transaction(() => {
        store.insert('Account', { Name: 'Temp 1' });
        store.update('Account', accountId, { Phone: 'changed' });
        store.transaction(() => store.insert('Account', { Name: 'Temp 2' }));
        store.insert('Account', {});
      }),
    ).toThrow(SalesforceApiError);
    expect(store.count('Account')).toBe(before);
    expect(store.require(accountId).Phone).toBeNull();
    expect(org.query("SELECT Id FROM Account WHERE Name LIKE 'Temp%'")).toHaveLength(0);
  });
});
