/**
 * The org emulator serves each user what their profile and permission sets allow, failing the way
 * Salesforce fails (README of the emulator, "Rules and their sources").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CPQ_LICENSE,
  CPQ_USER_PERMISSION_SET,
  startSalesforceEmulator,
  type OrgUser,
  type SalesforceEmulator,
} from '@stripe-cpq/salesforce-org-emulator';
import { COLLECTIONS } from '../../../plugin/src/core/records/graph.js';
import * as M from '../../../plugin/src/core/records/models.js';

let org: SalesforceEmulator;
beforeAll(async () => {
  org = await startSalesforceEmulator();
});
afterAll(() => org.close());

const call = async (user: { accessToken: string }, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${org.instanceUrl}/services/data/v62.0${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${user.accessToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as Array<{ errorCode: string; message: string }> &
      Record<string, unknown>,
    headers: response.headers,
  };
};
const query = (user: { accessToken: string }, soql: string) =>
  call(user, 'GET', `/query?q=${encodeURIComponent(soql)}`);
const integration = (): OrgUser => org.integrationUser as OrgUser;
const activatedOrder = () => org.sample!.orders.find((o) => o.scenario === 'S1')!.orderId;

describe('users and permission sets in the org emulator', () => {
  it("the sample org has an integration user holding exactly the package integration set and CPQ's own, on the CPQ licence", () => {
    const assigned = org
      .query(`SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '${integration().userId}'`)
      .map((r) => (r.PermissionSet as { Name: string }).Name);
    expect(assigned.sort()).toEqual([CPQ_USER_PERMISSION_SET, 'Stripe_CPQ_Integration_User']);
    const licences = org.query(
      `SELECT PermissionSetLicense.DeveloperName FROM PermissionSetLicenseAssign WHERE AssigneeId = '${integration().userId}'`,
    );
    expect(licences.map((r) => (r.PermissionSetLicense as { DeveloperName: string }).DeveloperName)).toEqual([
      CPQ_LICENSE,
    ]);
  });

  it("refuses CPQ's permission set to a user without the CPQ licence", () => {
    expect(() => org.org.createUser({ permissionSets: [CPQ_USER_PERMISSION_SET] })).toThrow(
      expect.objectContaining({
        errorCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: expect.stringMatching(
          /^Can't assign permission set SteelBrickCPQUser to user .+\. The user license doesn't allow the permission: .*SalesforceCPQ_CPQStandardPerm/,
        ),
      }),
    );
  });

  it("lets the integration user read every object and field of the core's record models the graph read selects", () => {
    const access = org.org.access.forUser(integration().userId);
    const hidden: string[] = [];
    const models = [
      ...Object.values(COLLECTIONS),
      [M.OrderItemConsumptionRate, 'SBQQ__OrderItemConsumptionRate__c'],
      [M.ConsumptionRate, 'ConsumptionRate'],
    ] as const;
    for (const [model, object] of models) {
      if (!org.schema.hasObject(object)) continue;
      if (!access.can(object, 'read')) hidden.push(object);
      for (const name of Object.keys(model.shape)) {
        const field = org.schema.findField(object, name);
        if (field && !access.field(object, field).read) hidden.push(`${object}.${name}`);
      }
    }
    expect(hidden).toEqual([]);
  });

  it('answers INVALID_TYPE for an object the user cannot read, and INVALID_FIELD for a field field-level security hides', async () => {
    const nobody = org.org.createUser({ permissionSets: [] });
    org.org.access.definePermissionSet({
      name: 'Api_Only',
      label: 'API only',
      objects: new Map([['order', { read: true, create: false, edit: false, delete: false }]]),
      fields: new Map(),
      userPermissions: new Set(['ApiEnabled']),
      metadataTypes: new Set(),
    });
    org.org.access.assign(nobody.userId, 'Api_Only');
    const type = await query(nobody, 'SELECT Id FROM SBQQ__Quote__c');
    expect(type.status).toBe(400);
    expect(type.body[0]).toMatchObject({
      errorCode: 'INVALID_TYPE',
      message: expect.stringContaining("sObject type 'SBQQ__Quote__c' is not supported"),
    });
    const field = await query(nobody, 'SELECT Id, Stripe_ID__c FROM Order');
    expect(field.body[0]).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Stripe_ID__c' on entity 'Order'"),
    });
    expect((await query(nobody, 'SELECT Id, Status FROM Order LIMIT 1')).status).toBe(200);
    const describe = await call(nobody, 'GET', '/sobjects/Order/describe');
    expect((describe.body.fields as unknown as Array<{ name: string }>).map((f) => f.name)).not.toContain(
      'Stripe_ID__c',
    );
  });

  it('refuses a write without the object permission (INSUFFICIENT_ACCESS_OR_READONLY) or field edit access (INVALID_FIELD_FOR_INSERT_UPDATE)', async () => {
    const account = String(org.query('SELECT Id FROM Account LIMIT 1')[0]?.Id);
    const readOnly = await call(integration(), 'PATCH', `/sobjects/Account/${account}`, { Phone: '555-0100' });
    expect(readOnly.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    const create = await call(integration(), 'POST', '/sobjects/Account', { Name: 'Nope' });
    expect(create.body[0]).toMatchObject({
      errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
      message: 'insufficient access rights on object id',
    });
  });

  it('changes an activated Order and its lines only with Edit Activated Orders', async () => {
    org.org.access.definePermissionSet({
      name: 'Order_Editor',
      label: 'Order editor',
      objects: new Map([['order', { read: true, create: false, edit: true, delete: false }]]),
      fields: new Map([
        ['order.stripe_id__c', { read: true, edit: true }],
        ['orderitem.stripe_id__c', { read: true, edit: true }],
      ]),
      userPermissions: new Set(['ApiEnabled']),
      metadataTypes: new Set(),
    });
    const editor = org.org.createUser({ permissionSets: ['Order_Editor'] });
    const orderId = activatedOrder();
    const line = String(org.query(`SELECT Id FROM OrderItem WHERE OrderId = '${orderId}' LIMIT 1`)[0]?.Id);
    expect(
      (await call(editor, 'PATCH', `/sobjects/Order/${orderId}`, { Stripe_ID__c: 'sub_sched_x' })).body[0],
    ).toMatchObject({ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' });
    expect(
      (await call(editor, 'PATCH', `/sobjects/OrderItem/${line}`, { Stripe_ID__c: 'si_x' })).body[0],
    ).toMatchObject({ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' });
    expect(
      (await call(integration(), 'PATCH', `/sobjects/Order/${orderId}`, { Stripe_ID__c: 'sub_sched_x' })).status,
    ).toBe(204);
    expect((await call(integration(), 'PATCH', `/sobjects/OrderItem/${line}`, { Stripe_ID__c: 'si_x' })).status).toBe(
      204,
    );
  });

  it('keeps an activated order locked for every user: no delete, no order product added or removed, no change of its start date, account or contract', async () => {
    const admin = { accessToken: org.accessToken };
    const orderId = activatedOrder();
    const [line] = org.query(
      `SELECT Id, PricebookEntryId, Quantity, UnitPrice FROM OrderItem WHERE OrderId = '${orderId}' LIMIT 1`,
    );
    const before = org.query(`SELECT EffectiveDate, AccountId, Pricebook2Id FROM Order WHERE Id = '${orderId}'`)[0];
    const locked = {
      errorCode: 'DELETE_FAILED',
      message: 'unable to modify activated or superseded order: cannot delete order, or add or remove order products',
    };
    expect((await call(admin, 'DELETE', `/sobjects/Order/${orderId}`)).body[0]).toMatchObject(locked);
    expect((await call(admin, 'DELETE', `/sobjects/OrderItem/${String(line!.Id)}`)).body[0]).toMatchObject(locked);
    const added = await call(admin, 'POST', '/sobjects/OrderItem', {
      OrderId: orderId,
      PricebookEntryId: line!.PricebookEntryId,
      Quantity: 1,
      UnitPrice: line!.UnitPrice,
    });
    expect(added.body[0]).toMatchObject({ ...locked, errorCode: 'ENTITY_IS_LOCKED' });
    // Edit Activated Orders (the integration user holds it) does not unlock these fields.
    const moved = await call(integration(), 'PATCH', `/sobjects/Order/${orderId}`, { EffectiveDate: '2031-01-01' });
    expect(moved.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['EffectiveDate'] });
    const otherAccount = String(
      org.query(`SELECT Id FROM Account WHERE Id != '${String(before!.AccountId)}' LIMIT 1`)[0]?.Id,
    );
    expect(
      (await call(admin, 'PATCH', `/sobjects/Order/${orderId}`, { AccountId: otherAccount })).body[0],
    ).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['AccountId'] });
    // The same value is no change, and the order's other fields stay editable.
    expect(
      (
        await call(admin, 'PATCH', `/sobjects/Order/${orderId}`, {
          EffectiveDate: before!.EffectiveDate,
          Description: 'x',
        })
      ).status,
    ).toBe(204);
    expect(org.query(`SELECT EffectiveDate, AccountId, Pricebook2Id FROM Order WHERE Id = '${orderId}'`)[0]).toEqual(
      before,
    );
    expect(org.query(`SELECT Id FROM OrderItem WHERE Id = '${String(line!.Id)}'`)).toHaveLength(1);
  });

  it("never changes an order's price book once it has one, activated or not", async () => {
    const admin = { accessToken: org.accessToken };
    const draft = org.store.insert('Order', {
      AccountId: String(org.query('SELECT Id FROM Account LIMIT 1')[0]?.Id),
      EffectiveDate: '2030-01-01',
      Pricebook2Id: String(org.query('SELECT Id FROM Pricebook2 WHERE IsStandard = true')[0]?.Id),
    });
    const other = org.store.insert('Pricebook2', { Name: 'Another book', IsActive: true });
    expect((await call(admin, 'PATCH', `/sobjects/Order/${draft}`, { Pricebook2Id: other })).body[0]).toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      fields: ['Pricebook2Id'],
    });
    expect((await call(admin, 'PATCH', `/sobjects/Order/${draft}`, { EffectiveDate: '2030-02-01' })).status).toBe(204);
    expect((await call(admin, 'DELETE', `/sobjects/Order/${draft}`)).status).toBe(204);
  });

  it('serves /limits only with View Setup and Configuration, and reports API usage on every response in Sforce-Limit-Info', async () => {
    const limits = await call(integration(), 'GET', '/limits');
    expect(limits.status).toBe(403);
    expect(limits.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
    expect((await call({ accessToken: org.accessToken }, 'GET', '/limits')).status).toBe(200);
  });

  it('refuses every API call of a user without API Enabled', async () => {
    const user = org.org.createUser();
    const response = await query(user, 'SELECT Id FROM Order');
    expect(response.status).toBe(403);
    expect(response.body[0]).toMatchObject({ errorCode: 'API_CURRENTLY_DISABLED' });
  });

  it('names the calling user on the UserInfo endpoint', async () => {
    const response = await fetch(`${org.instanceUrl}/services/oauth2/userinfo`, {
      headers: { Authorization: `Bearer ${integration().accessToken}` },
    });
    expect(((await response.json()) as { preferred_username: string }).preferred_username).toBe(integration().username);
  });
});
