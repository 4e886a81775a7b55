/**
 * Permission sets by role, least privilege: each grants exactly the access listed here for its role, only
 * on objects and fields that exist, and never in a combination a deploy rejects.
 */
import { readPackageSource, type ObjectPermission, type PermissionSet } from './packageSource.js';
import { CPQ_OBJECTS, PARENT_CONTROLLED_OBJECTS, STANDARD_FLS_FIELDS, STANDARD_OBJECTS } from './platformObjects.js';

const pkg = readPackageSource();

/** Object access as letters: Create, Read, Edit, Delete, View all, Modify all. */
const flagsOf = (p: ObjectPermission) =>
  [
    p.allowCreate && 'C',
    p.allowRead && 'R',
    p.allowEdit && 'E',
    p.allowDelete && 'D',
    p.viewAllRecords && 'V',
    p.modifyAllRecords && 'M',
  ]
    .filter(Boolean)
    .join('');

interface RoleGrants {
  readonly objects: Readonly<Record<string, string>>;
  readonly edit: readonly string[];
  readonly read: readonly string[];
  readonly metadataTypes?: readonly string[];
  readonly tabs?: readonly string[];
  readonly userPermissions?: readonly string[];
}

const on = (object: string, ...fields: string[]) => fields.map((f) => `${object}.${f}`);
const SYNCED_OBJECTS = ['Account', 'Order', 'OrderItem', 'Product2', 'PricebookEntry'];
const STRIPE_IDS = SYNCED_OBJECTS.map((o) => `${o}.Stripe_ID__c`);
const DASHBOARD_LINKS = SYNCED_OBJECTS.map((o) => `${o}.Stripe_Dashboard_Link__c`);
const ORDER_SYNC_FIELDS = on(
  'Order',
  'Stripe_Sync_Status__c',
  'Stripe_Last_Sync__c',
  'Stripe_Sync_Message__c',
  'Stripe_Sync_Fix__c',
  'Stripe_Sync_Doc_Link__c',
  'Stripe_Invoice_Payment_Link__c',
  'Stripe_Invoice_Dashboard_Link__c',
  'Stripe_Invoice_Status__c',
  'Stripe_Invoice_Amount_Due__c',
  'Stripe_Invoice_Amount_Paid__c',
  'Stripe_Customer_Link__c',
  'Stripe_Billing_Summary__c',
);
// The lock's key and expiry are required fields, which a permission set cannot list (they come with the object).
const LOCK_FIELDS = on('Stripe_Sync_Lock__c', 'Held_By__c');
const SKIP_FLAGS = ['Order.Skip_Past_Initial_Invoices__c', 'OrderItem.Skip_Line_Item__c'];
const SYNC_RECORD_FIELDS = on(
  'Stripe_Sync_Record__c',
  'Compound_ID__c',
  'Primary_Record_ID__c',
  'Primary_Object_Type__c',
  'Secondary_Record_ID__c',
  'Secondary_Object_Type__c',
  'Resolution_Message__c',
  'Resolution_Status__c',
  'Resolution_Fix__c',
  'Resolution_Documentation_Link__c',
  'Stripe_Request_Dashboard_Link__c',
  'Order__c',
);
// Type__c: Sync, or Preview ("Preview billing" on the card).
const REQUEST_ASK = on('Stripe_Sync_Request__c', 'Order__c', 'Requested_By__c', 'Requested_At__c', 'Type__c');
const REQUEST_WORK = on(
  'Stripe_Sync_Request__c',
  'Status__c',
  'Started_At__c',
  'Finished_At__c',
  'Message__c',
  'Attempts__c',
  'Claimed_By__c',
  'Lease_Expires__c',
  'Next_Attempt_At__c',
  'Preview_Result__c',
);
// The relay files a request of its own for a retryable failure of a sync it started (order poll, POST /sync).
const REQUEST_FILED_BY_RELAY = on('Stripe_Sync_Request__c', 'Order__c', 'Requested_At__c');
const COUPON_TERMS = on(
  'Quote_Stripe_Coupon__c',
  'Name__c',
  'Percent_Off__c',
  'Amount_Off__c',
  'Duration__c',
  'Duration_In_Months__c',
  'Max_Redemptions__c',
);
const COUPON_IDS = on('Quote_Stripe_Coupon__c', 'Stripe_ID__c', 'Stripe_Dashboard_Link__c');
const METADATA_TYPES = ['Stripe_Field_Mapping__mdt', 'Stripe_Sync_Setting__mdt'];
const without = (fields: readonly string[], ...left: string[]) => fields.filter((f) => !left.includes(f));

const EXPECTED: Readonly<Record<string, RoleGrants>> = {
  // Billing admins: clear a Stripe ID to force a new Stripe object, mark Sync Records resolved, prune them.
  Stripe_CPQ_Admin: {
    objects: {
      Stripe_Sync_Lock__c: 'RV',
      Stripe_Sync_Record__c: 'REDVM',
      Stripe_Sync_Request__c: 'CREDV',
      Quote_Stripe_Coupon__c: 'CREDVM',
      Quote_Stripe_Coupon_Association__c: 'CREDVM',
      Quote_Line_Stripe_Coupon_Association__c: 'CREDVM',
      // The coupon associations are master-detail children of the quote and quote line: Read on both masters.
      SBQQ__Quote__c: 'R',
      SBQQ__QuoteLine__c: 'R',
    },
    edit: [
      ...STRIPE_IDS,
      ...SKIP_FLAGS,
      ...REQUEST_ASK,
      ...COUPON_TERMS,
      ...COUPON_IDS,
      'Stripe_Sync_Record__c.Resolution_Status__c',
    ],
    read: [
      ...DASHBOARD_LINKS,
      ...ORDER_SYNC_FIELDS,
      ...LOCK_FIELDS,
      ...without(SYNC_RECORD_FIELDS, 'Stripe_Sync_Record__c.Resolution_Status__c'),
      ...REQUEST_WORK,
    ],
    metadataTypes: METADATA_TYPES,
    tabs: ['Stripe_Sync_Record__c', 'Quote_Stripe_Coupon__c'],
  },
  // Sales reps: see the card, press Sync now (create a request naming the order), set the skip flags.
  Stripe_CPQ_Sales_User: {
    objects: { Stripe_Sync_Record__c: 'R', Stripe_Sync_Request__c: 'CR' },
    edit: [...SKIP_FLAGS, ...REQUEST_ASK],
    read: [
      ...STRIPE_IDS,
      ...DASHBOARD_LINKS,
      ...ORDER_SYNC_FIELDS,
      ...SYNC_RECORD_FIELDS,
      ...on(
        'Stripe_Sync_Request__c',
        'Status__c',
        'Message__c',
        'Started_At__c',
        'Finished_At__c',
        'Preview_Result__c',
      ),
    ],
  },
  // The relay: read the whole CPQ graph, write Stripe ids, links and status, take and release locks (Modify All:
  // it deletes an expired lock another relay user left), work and file requests, write and prune Sync Records.
  Stripe_CPQ_Integration_User: {
    objects: {
      Account: 'REV',
      Order: 'REV',
      Product2: 'REV',
      Pricebook2: 'RV',
      Contract: 'RV',
      Opportunity: 'RV',
      Contact: 'RV',
      ConsumptionSchedule: 'RV',
      SBQQ__Quote__c: 'RV',
      SBQQ__QuoteLine__c: 'RV',
      SBQQ__Subscription__c: 'RV',
      Stripe_Sync_Lock__c: 'CREDVM',
      // Every graph read queries the order lines' consumption schedules and rates; CPQ's own set leaves them out.
      SBQQ__OrderItemConsumptionSchedule__c: 'RV',
      SBQQ__OrderItemConsumptionRate__c: 'RV',
      Stripe_Sync_Record__c: 'CREDVM',
      Stripe_Sync_Request__c: 'CREV',
      Quote_Stripe_Coupon__c: 'REV',
      Quote_Stripe_Coupon_Association__c: 'RV',
      Quote_Line_Stripe_Coupon_Association__c: 'RV',
    },
    edit: [
      ...STRIPE_IDS,
      ...DASHBOARD_LINKS,
      ...ORDER_SYNC_FIELDS,
      ...LOCK_FIELDS,
      ...SYNC_RECORD_FIELDS,
      ...REQUEST_WORK,
      ...REQUEST_FILED_BY_RELAY,
      ...COUPON_IDS,
    ],
    // The standard fields the graph read selects (their field-level security is the permission set's to give).
    read: [...SKIP_FLAGS, ...without(REQUEST_ASK, ...REQUEST_FILED_BY_RELAY), ...COUPON_TERMS, ...STANDARD_FLS_FIELDS],
    metadataTypes: METADATA_TYPES,
    // Writes to activated orders and their lines need Edit Activated Orders, which needs Activate Orders.
    // No View Setup: the relay reads its API usage from the Sforce-Limit-Info header, not /limits.
    userPermissions: ['ActivateOrder', 'ApiEnabled', 'EditActivatedOrders'],
  },
  // Users who put coupons on quotes (spec §2.8: "Stripe Connector Coupon User").
  Stripe_CPQ_Coupon_User: {
    objects: {
      Quote_Stripe_Coupon__c: 'CRED',
      Quote_Stripe_Coupon_Association__c: 'CRED',
      Quote_Line_Stripe_Coupon_Association__c: 'CRED',
      SBQQ__Quote__c: 'R',
      SBQQ__QuoteLine__c: 'R',
    },
    edit: COUPON_TERMS,
    read: COUPON_IDS,
    tabs: ['Quote_Stripe_Coupon__c'],
  },
};

function grantsOf(set: PermissionSet): RoleGrants {
  const fields = set.fieldPermissions ?? [];
  return {
    objects: Object.fromEntries((set.objectPermissions ?? []).map((p) => [p.object, flagsOf(p)])),
    edit: fields
      .filter((f) => f.editable)
      .map((f) => f.field)
      .sort(),
    read: fields
      .filter((f) => f.readable && !f.editable)
      .map((f) => f.field)
      .sort(),
    metadataTypes: (set.customMetadataTypeAccesses ?? [])
      .filter((a) => a.enabled)
      .map((a) => a.name)
      .sort(),
    tabs: (set.tabSettings ?? []).map((t) => t.tab).sort(),
    userPermissions: (set.userPermissions ?? [])
      .filter((p) => p.enabled)
      .map((p) => p.name)
      .sort(),
  };
}

const sorted = (grants: RoleGrants): RoleGrants => ({
  objects: grants.objects,
  edit: [...grants.edit].sort(),
  read: [...grants.read].sort(),
  metadataTypes: [...(grants.metadataTypes ?? [])].sort(),
  tabs: [...(grants.tabs ?? [])].sort(),
  userPermissions: [...(grants.userPermissions ?? [])].sort(),
});

/** The masters of a package object: the objects its master-detail fields point at. */
const mastersOf = (object: string): string[] =>
  [...(pkg.objects.get(object)?.fields.values() ?? [])].flatMap((f) =>
    f.type === 'MasterDetail' ? [f.referenceTo] : [],
  );

/** Problems a deploy would report, or access that makes no sense. */
function permissionProblems(set: PermissionSet): string[] {
  const problems: string[] = [];
  const objectExists = (name: string) =>
    pkg.objects.get(name)?.definition !== undefined || STANDARD_OBJECTS.includes(name) || CPQ_OBJECTS.includes(name);
  for (const p of set.objectPermissions ?? []) {
    if (!objectExists(p.object)) problems.push(`object ${p.object} does not exist`);
    if (PARENT_CONTROLLED_OBJECTS.includes(p.object))
      problems.push(`object ${p.object} takes its access from its parent`);
    if (p.object.endsWith('__mdt')) problems.push(`metadata type ${p.object} belongs in customMetadataTypeAccesses`);
    if ((p.allowCreate || p.allowEdit || p.allowDelete || p.viewAllRecords) && !p.allowRead)
      problems.push(`object ${p.object} grants access without read`);
    if (p.allowDelete && !p.allowEdit) problems.push(`object ${p.object} grants delete without edit`);
    if (p.modifyAllRecords && !(p.allowEdit && p.allowDelete && p.viewAllRecords))
      problems.push(`object ${p.object} grants modify all without edit, delete and view all`);
    for (const master of mastersOf(p.object)) {
      if (!set.objectPermissions?.some((m) => m.object === master && m.allowRead))
        problems.push(`object ${p.object} granted without read on its master ${master}`);
    }
  }
  const userPermissions = new Set((set.userPermissions ?? []).filter((u) => u.enabled).map((u) => u.name));
  if (userPermissions.has('EditActivatedOrders') && !userPermissions.has('ActivateOrder'))
    problems.push('EditActivatedOrders granted without ActivateOrder');
  for (const f of set.fieldPermissions ?? []) {
    const [objectName = '', fieldName = ''] = f.field.split('.');
    const field = pkg.objects.get(objectName)?.fields.get(fieldName);
    if (!field && !STANDARD_FLS_FIELDS.includes(f.field)) problems.push(`field ${f.field} does not exist`);
    else if (field && (field.type === 'MasterDetail' || field.required === true))
      problems.push(`field ${f.field} is required: its access cannot be set`);
    if (f.editable && !f.readable) problems.push(`field ${f.field} is editable but not readable`);
    const objectPermission = set.objectPermissions?.find((p) => p.object === objectName);
    // Fields of the package's own objects need the object too (standard objects come with the user's profile).
    if (pkg.objects.get(objectName)?.definition && !objectPermission?.allowRead)
      problems.push(`field ${f.field} granted without read on ${objectName}`);
    if (f.editable && objectPermission && !objectPermission.allowEdit && !objectPermission.allowCreate)
      problems.push(`field ${f.field} editable without create or edit on ${objectName}`);
  }
  for (const a of set.customMetadataTypeAccesses ?? [])
    if (!pkg.objects.get(a.name)?.definition) problems.push(`metadata type ${a.name} does not exist`);
  for (const t of set.tabSettings ?? []) if (!pkg.tabs.includes(t.tab)) problems.push(`tab ${t.tab} does not exist`);
  return problems.map((problem) => `${set.name}: ${problem}`);
}

describe('permission sets', () => {
  it('exist for the four roles, with labels and descriptions', () => {
    expect(pkg.permissionSets.map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const set of pkg.permissionSets) expect(set.description.length).toBeGreaterThan(20);
  });

  it.each(Object.keys(EXPECTED))('%s grants exactly what its role needs', (name) => {
    const set = pkg.permissionSets.find((s) => s.name === name) as PermissionSet;
    expect(grantsOf(set)).toEqual(sorted(EXPECTED[name] as RoleGrants));
  });

  it('grant only objects, fields, metadata types and tabs that exist, in combinations a deploy accepts', () => {
    expect(pkg.permissionSets.flatMap(permissionProblems)).toEqual([]);
  });

  it('are caught granting a missing field, a required field or edit without read', () => {
    const broken: PermissionSet = {
      name: 'Broken',
      label: 'Broken',
      description: 'x',
      hasActivationRequired: false,
      objectPermissions: [
        {
          object: 'Stripe_Sync_Record__c',
          allowCreate: false,
          allowRead: false,
          allowEdit: true,
          allowDelete: true,
          modifyAllRecords: true,
          viewAllFields: false,
          viewAllRecords: false,
        },
      ],
      fieldPermissions: [
        { field: 'Order.Stripe_Sync_Statuz__c', editable: false, readable: true },
        { field: 'Quote_Stripe_Coupon_Association__c.Quote__c', editable: true, readable: false },
      ],
      tabSettings: [{ tab: 'Stripe_Sync_Request__c', visibility: 'Visible' }],
    };
    expect(permissionProblems(broken)).toEqual([
      'Broken: object Stripe_Sync_Record__c grants access without read',
      'Broken: object Stripe_Sync_Record__c grants modify all without edit, delete and view all',
      'Broken: field Order.Stripe_Sync_Statuz__c does not exist',
      'Broken: field Quote_Stripe_Coupon_Association__c.Quote__c is required: its access cannot be set',
      'Broken: field Quote_Stripe_Coupon_Association__c.Quote__c is editable but not readable',
      'Broken: field Quote_Stripe_Coupon_Association__c.Quote__c granted without read on Quote_Stripe_Coupon_Association__c',
      'Broken: tab Stripe_Sync_Request__c does not exist',
    ]);
  });

  it('are caught granting a master-detail child without read on its masters, or Edit Activated Orders without Activate Orders', () => {
    const child = {
      allowCreate: true,
      allowRead: true,
      allowEdit: true,
      allowDelete: true,
      modifyAllRecords: false,
      viewAllFields: false,
      viewAllRecords: false,
    };
    const broken: PermissionSet = {
      name: 'Broken',
      label: 'Broken',
      description: 'x',
      hasActivationRequired: false,
      objectPermissions: [
        { ...child, object: 'Quote_Stripe_Coupon__c' },
        { ...child, object: 'Quote_Stripe_Coupon_Association__c' },
      ],
      userPermissions: [{ name: 'EditActivatedOrders', enabled: true }],
    };
    expect(permissionProblems(broken)).toEqual([
      'Broken: object Quote_Stripe_Coupon_Association__c granted without read on its master SBQQ__Quote__c',
      'Broken: EditActivatedOrders granted without ActivateOrder',
    ]);
  });

  it('let only the relay and admins write Stripe ids and sync results, and nobody but the relay hold locks', () => {
    const editors = (field: string) =>
      pkg.permissionSets
        .filter((s) => s.fieldPermissions?.some((f) => f.field === field && f.editable))
        .map((s) => s.name)
        .sort();
    expect(editors('Order.Stripe_ID__c')).toEqual(['Stripe_CPQ_Admin', 'Stripe_CPQ_Integration_User']);
    expect(editors('Order.Stripe_Sync_Status__c')).toEqual(['Stripe_CPQ_Integration_User']);
    expect(editors('Stripe_Sync_Lock__c.Held_By__c')).toEqual(['Stripe_CPQ_Integration_User']);
    const lockWriters = pkg.permissionSets
      .filter((s) =>
        s.objectPermissions?.some((p) => p.object === 'Stripe_Sync_Lock__c' && (p.allowCreate || p.allowDelete)),
      )
      .map((s) => s.name);
    expect(lockWriters).toEqual(['Stripe_CPQ_Integration_User']);
    expect(editors('Stripe_Sync_Request__c.Status__c')).toEqual(['Stripe_CPQ_Integration_User']);
  });
});
