/**
 * Who may read and write what: object permissions, field-level security and user permissions, computed
 * for one user from their profile and the permission sets assigned to them (package permission sets as
 * deployed, CPQ's own modelled here), and enforced on every API call that user makes. A user sees the
 * org through a SchemaView: objects they cannot read do not exist (INVALID_TYPE), fields they cannot
 * read do not exist (INVALID_FIELD, "No such column"), as Salesforce reports them. README "Rules and
 * their sources" cites each rule.
 */
import { SalesforceApiError, invalidType } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import {
  fieldDef,
  FieldLookups,
  SYSTEM_FIELD_NAMES,
  type ChildRelationship,
  type FieldDef,
  type ObjectDef,
  type Schema,
  type SchemaReader,
} from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { FieldAccess, ObjectAccess, PermissionSetGrants } from 'plugin-stripe-cpq/lib/cpqSchema/metadataLoader.js';
import type { RecordStore, SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

// What a permission set grants is read from its metadata, so the loader declares it.
export type { FieldAccess, ObjectAccess, PermissionSetGrants };

export type ObjectOperation = 'read' | 'create' | 'edit' | 'delete';

/** The System Administrator profile: Modify All Data and every user permission. */
export const ADMIN_PROFILE = 'System Administrator';
/** The profile an integration user starts from: no object access, no user permissions of its own. */
export const MINIMUM_ACCESS_PROFILE = 'Minimum Access - Salesforce';

/** CPQ's permission set licence (PermissionSetLicense.DeveloperName; label "Salesforce CPQ License"). */
export const CPQ_LICENSE = 'SalesforceCPQ_CPQStandardPerm';
/** The CPQ managed package's permission set for quoting users (namespace SBQQ). */
export const CPQ_USER_PERMISSION_SET = 'SteelBrickCPQUser';
/** CPQ objects CPQ's user permission set leaves out: the package that reads them grants them (issue 13, finding 4). */
const CPQ_OBJECTS_NOT_IN_CPQ_SET = new Set([
  'sbqq__orderitemconsumptionschedule__c',
  'sbqq__orderitemconsumptionrate__c',
]);

/** Setup objects every API user reads (their own user, the org, the permission model). */
const SETUP_OBJECTS = new Set([
  'user',
  'organization',
  'profile',
  'permissionset',
  'permissionsetassignment',
  'permissionsetlicense',
  'permissionsetlicenseassign',
]);
/** Objects without object permissions of their own: access follows the parents' (Object Reference, "OrderItem", "PricebookEntry"). */
const CONTROLLED_BY_PARENT: Readonly<Record<string, readonly string[]>> = {
  orderitem: ['order'],
  pricebookentry: ['product2', 'pricebook2'],
  consumptionrate: ['consumptionschedule'],
  productconsumptionschedule: ['product2', 'consumptionschedule'],
};
/** Fields not under field-level security: Salesforce always shows them to a user who can read the object. */
const ALWAYS_VISIBLE = new Set([
  'Id',
  'Name',
  'OwnerId',
  'CurrencyIsoCode',
  'RecordTypeId',
  'FirstName',
  'LastName',
  'Salutation',
  'MiddleName',
  'Suffix',
  ...SYSTEM_FIELD_NAMES,
]);
/** Address components take the field-level security of their compound field (`BillingCity` → `BillingAddress`). */
const ADDRESS_COMPONENT =
  /^(Billing|Shipping|Mailing|Other)(Street|City|State|PostalCode|Country|StateCode|CountryCode|Latitude|Longitude|GeocodeAccuracy)$/;

const NO_ACCESS: ObjectAccess = { read: false, create: false, edit: false, delete: false };

/** Permission set licences, permission sets' licence and the assignment objects, added to the org's schema. */
export function defineAccessObjects(schema: Schema): void {
  schema.defineObject({ name: 'PermissionSetLicense', keyPrefix: '0PL' });
  schema.defineField(
    'PermissionSetLicense',
    fieldDef({ name: 'DeveloperName', type: 'string', length: 80, nillable: false }),
  );
  schema.defineField(
    'PermissionSetLicense',
    fieldDef({ name: 'MasterLabel', type: 'string', length: 80, nillable: false }),
  );
  schema.defineObject({ name: 'PermissionSetLicenseAssign', keyPrefix: '2LA' });
  schema.defineField(
    'PermissionSetLicenseAssign',
    fieldDef({
      name: 'AssigneeId',
      type: 'reference',
      referenceTo: ['User'],
      relationshipName: 'Assignee',
      nillable: false,
      length: 18,
    }),
  );
  schema.defineField(
    'PermissionSetLicenseAssign',
    fieldDef({
      name: 'PermissionSetLicenseId',
      type: 'reference',
      referenceTo: ['PermissionSetLicense'],
      relationshipName: 'PermissionSetLicense',
      nillable: false,
      length: 18,
    }),
  );
  schema.defineField(
    'PermissionSet',
    fieldDef({
      name: 'LicenseId',
      type: 'reference',
      referenceTo: ['PermissionSetLicense'],
      relationshipName: 'License',
      length: 18,
    }),
  );
}

/** The access one user has: the union of their profile's and their permission sets' grants. */
export class UserAccess {
  constructor(
    readonly userId: string,
    readonly username: string,
    readonly admin: boolean,
    readonly grants: readonly PermissionSetGrants[],
  ) {}

  has(userPermission: string): boolean {
    return this.admin || this.grants.some((g) => g.userPermissions.has(userPermission));
  }

  object(name: string): ObjectAccess {
    if (this.admin) return { read: true, create: true, edit: true, delete: true };
    const key = name.toLowerCase();
    if (SETUP_OBJECTS.has(key)) return { ...NO_ACCESS, read: true };
    if (key.endsWith('__mdt')) return { ...NO_ACCESS, read: this.grants.some((g) => g.metadataTypes.has(key)) };
    const parents = CONTROLLED_BY_PARENT[key];
    if (parents) {
      const access = parents.map((p) => this.object(p));
      return {
        read: access.every((a) => a.read),
        create: access[0]?.edit ?? false,
        edit: access[0]?.edit ?? false,
        delete: access[0]?.edit ?? false,
      };
    }
    let read = false;
    let create = false;
    let edit = false;
    let remove = false;
    for (const grant of this.grants) {
      const access = grant.objects.get(key);
      if (!access) continue;
      read ||= access.read;
      create ||= access.create;
      edit ||= access.edit;
      remove ||= access.delete;
    }
    return { read, create, edit, delete: remove };
  }

  can(object: string, operation: ObjectOperation): boolean {
    return this.object(object)[operation];
  }

  field(object: string, field: FieldDef): FieldAccess {
    if (this.admin || object.endsWith('__mdt')) return { read: true, edit: true };
    if (SETUP_OBJECTS.has(object.toLowerCase())) return { read: true, edit: false };
    // Required fields and master-detail fields cannot carry field permissions: whoever reads the object sees them.
    if (
      ALWAYS_VISIBLE.has(field.name) ||
      (!field.nillable && field.type !== 'boolean') ||
      field.masterDetail ||
      (field.autoNumber && !field.custom)
    )
      return { read: true, edit: true };
    const compound = ADDRESS_COMPONENT.exec(field.name);
    const key = `${object}.${compound ? `${compound[1] ?? ''}Address` : field.name}`.toLowerCase();
    let read = false;
    let edit = false;
    for (const grant of this.grants) {
      const access = grant.fields.get(key);
      read ||= access?.read ?? false;
      edit ||= access?.edit ?? false;
    }
    return { read, edit };
  }
}

/** The permission sets the org knows (deployed or the CPQ package's) and the users they are assigned to. */
export class AccessControl {
  private readonly permissionSets = new Map<string, PermissionSetGrants>();

  constructor(
    private readonly schema: Schema,
    private readonly store: RecordStore,
  ) {}

  /** Saves a permission set (a deploy replaces the one of the same name) and its PermissionSet row. */
  definePermissionSet(grants: PermissionSetGrants): void {
    this.permissionSets.set(grants.name.toLowerCase(), grants);
    const licenseId = grants.license ? this.licenseId(grants.license) : null;
    const fields = {
      Name: grants.name,
      Label: grants.label,
      NamespacePrefix: grants.namespacePrefix ?? null,
      LicenseId: licenseId,
    };
    const existing = this.row('PermissionSet', 'Name', grants.name);
    if (existing) this.store.update('PermissionSet', String(existing.Id), fields, { system: true });
    else this.store.insert('PermissionSet', fields, { system: true });
  }

  permissionSet(name: string): PermissionSetGrants | undefined {
    return this.permissionSets.get(name.toLowerCase());
  }

  /** A permission set licence the org has bought (PermissionSetLicense row). */
  defineLicense(developerName: string, label: string): string {
    return String(
      this.row('PermissionSetLicense', 'DeveloperName', developerName)?.Id ??
        this.store.insert(
          'PermissionSetLicense',
          { DeveloperName: developerName, MasterLabel: label },
          { system: true },
        ),
    );
  }

  assignLicense(userId: string, developerName: string): void {
    const licenseId = this.licenseId(developerName);
    this.store.insert(
      'PermissionSetLicenseAssign',
      { AssigneeId: userId, PermissionSetLicenseId: licenseId },
      { system: true },
    );
  }

  /** Assigns a permission set; one that needs a licence the user lacks is refused, as Salesforce refuses it. */
  assign(userId: string, permissionSetName: string): void {
    const grants = this.permissionSet(permissionSetName);
    const row = this.row('PermissionSet', 'Name', permissionSetName);
    if (!grants || !row)
      throw new SalesforceApiError(
        400,
        'INVALID_CROSS_REFERENCE_KEY',
        `invalid cross reference id: no permission set named ${permissionSetName}`,
        ['PermissionSetId'],
      );
    if (grants.license && !this.hasLicense(userId, grants.license)) {
      throw new SalesforceApiError(
        400,
        'FIELD_INTEGRITY_EXCEPTION',
        `Can't assign permission set ${permissionSetName} to user ${String(this.store.get(userId)?.Name ?? userId)}. The user license doesn't allow the permission: ${permissionSetName} needs the permission set license ${grants.license}`,
        ['PermissionSetId'],
      );
    }
    this.store.insert('PermissionSetAssignment', { AssigneeId: userId, PermissionSetId: row.Id }, { system: true });
  }

  /** The user's access now (assignments and deploys since are reflected on the next call). */
  forUser(userId: string): UserAccess {
    const user = this.store.require(userId, 'User');
    const profile = typeof user.ProfileId === 'string' ? this.store.get(user.ProfileId) : undefined;
    const grants: PermissionSetGrants[] = [];
    for (const assignmentId of this.store.childIds('PermissionSetAssignment', 'AssigneeId', String(user.Id))) {
      const set = this.store.get(String(this.store.get(assignmentId)?.PermissionSetId ?? ''));
      const set_grants = set ? this.permissionSet(String(set.Name)) : undefined;
      if (set_grants) grants.push(set_grants);
    }
    return new UserAccess(String(user.Id), String(user.Username), profile?.Name === ADMIN_PROFILE, grants);
  }

  private hasLicense(userId: string, developerName: string): boolean {
    const licenseId = this.row('PermissionSetLicense', 'DeveloperName', developerName)?.Id;
    return [...this.store.childIds('PermissionSetLicenseAssign', 'AssigneeId', userId)].some(
      (id) => this.store.get(id)?.PermissionSetLicenseId === licenseId,
    );
  }

  private licenseId(developerName: string): string {
    const id = this.row('PermissionSetLicense', 'DeveloperName', developerName)?.Id;
    if (!id)
      throw new SalesforceApiError(
        400,
        'INVALID_CROSS_REFERENCE_KEY',
        `invalid cross reference id: no permission set license named ${developerName}`,
      );
    return String(id);
  }

  private row(sobject: string, field: string, value: string): SObjectRecord | undefined {
    for (const record of this.store.all(sobject))
      if (String(record[field]).toLowerCase() === value.toLowerCase()) return record;
    return undefined;
  }

  /** CPQ's own user permission set as the managed package installs it: its SBQQ objects and SBQQ fields. */
  defineCpqPermissionSet(): void {
    this.defineLicense(CPQ_LICENSE, 'Salesforce CPQ License');
    const objects = new Map<string, ObjectAccess>();
    const fields = new Map<string, FieldAccess>();
    for (const object of this.schema.allObjects()) {
      const key = object.name.toLowerCase();
      if (key.startsWith('sbqq__') && !CPQ_OBJECTS_NOT_IN_CPQ_SET.has(key))
        objects.set(key, { read: true, create: true, edit: true, delete: true });
      for (const field of object.fields.values())
        if (field.name.startsWith('SBQQ__'))
          fields.set(`${object.name}.${field.name}`.toLowerCase(), { read: true, edit: true });
    }
    this.definePermissionSet({
      name: CPQ_USER_PERMISSION_SET,
      label: 'Salesforce CPQ User',
      namespacePrefix: 'SBQQ',
      license: CPQ_LICENSE,
      objects,
      fields,
      userPermissions: new Set(),
      metadataTypes: new Set(),
    });
  }
}

/**
 * The org's schema as one user sees it: objects they cannot read and fields their field-level security
 * hides are absent, so every lookup fails the way Salesforce fails for them.
 */
export class SchemaView extends FieldLookups implements SchemaReader {
  private readonly objects = new Map<string, ObjectDef>();

  constructor(
    private readonly schema: Schema,
    readonly access: UserAccess,
  ) {
    super();
  }

  object(name: string): ObjectDef {
    const def = this.schema.object(name);
    if (!this.access.can(def.name, 'read')) throw invalidType(name);
    let visible = this.objects.get(def.name);
    if (!visible) {
      const fields = new Map([...def.fields].filter(([, field]) => this.access.field(def.name, field).read));
      this.objects.set(def.name, (visible = { ...def, fields }));
    }
    return visible;
  }

  hasObject(name: string): boolean {
    return this.schema.hasObject(name) && this.access.can(name, 'read');
  }

  objectByPrefix(prefix: string): ObjectDef | undefined {
    return this.schema.objectByPrefix(prefix);
  }

  allObjects(): ObjectDef[] {
    return this.schema.allObjects().filter((o) => this.access.can(o.name, 'read'));
  }

  parentRelationship(objectName: string, name: string): FieldDef | undefined {
    const lower = name.toLowerCase();
    for (const field of this.object(objectName).fields.values())
      if (field.relationshipName?.toLowerCase() === lower) return field;
    return undefined;
  }

  childRelationships(objectName: string): ChildRelationship[] {
    return this.schema
      .childRelationships(this.object(objectName).name)
      .filter((c) => this.hasObject(c.childSObject) && this.findField(c.childSObject, c.field) !== undefined);
  }

  childRelationship(objectName: string, name: string): ChildRelationship | undefined {
    const lower = name.toLowerCase();
    return this.childRelationships(objectName).find((c) => c.relationshipName.toLowerCase() === lower);
  }
}

/** Salesforce's answer to a write the user's object permissions do not allow. */
export const insufficientAccess = (): SalesforceApiError =>
  new SalesforceApiError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');

/**
 * Checks a create, update or delete by `access` before the store sees it: the object permission, each
 * written field's field-level security, and Edit Activated Orders / Activate Orders on orders.
 */
export function checkWrite(
  view: SchemaView,
  store: RecordStore,
  sobject: string,
  operation: Exclude<ObjectOperation, 'read'>,
  fields: Record<string, unknown>,
  existing?: SObjectRecord,
): void {
  const { access } = view;
  if (access.admin) return;
  const def = view.object(sobject);
  if (!access.can(def.name, operation)) throw insufficientAccess();
  const hidden: string[] = [];
  const readOnly: string[] = [];
  for (const name of Object.keys(fields)) {
    if (name === 'attributes' || name.toLowerCase() === 'id') continue;
    const field = def.fields.get(name.toLowerCase());
    if (!field) hidden.push(name);
    else if (!access.field(def.name, field).edit) readOnly.push(field.name);
  }
  if (hidden.length > 0)
    throw new SalesforceApiError(
      400,
      'INVALID_FIELD',
      `No such column '${hidden[0] ?? ''}' on sobject of type ${def.name}`,
      hidden,
    );
  if (readOnly.length > 0) {
    throw new SalesforceApiError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to ${operation === 'create' ? 'create' : 'update'} fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  }
  checkOrderActivation(access, store, def.name, fields, existing);
}

/** Orders and order products of an activated order change only with Edit Activated Orders; activating needs Activate Orders. */
function checkOrderActivation(
  access: UserAccess,
  store: RecordStore,
  sobject: string,
  fields: Record<string, unknown>,
  existing: SObjectRecord | undefined,
): void {
  if (
    sobject === 'Order' &&
    fields.Status === 'Activated' &&
    existing?.Status !== 'Activated' &&
    !access.has('ActivateOrder')
  )
    throw insufficientAccess();
  const order =
    sobject === 'Order'
      ? existing
      : sobject === 'OrderItem' && existing
        ? store.get(String(existing.OrderId))
        : undefined;
  if (order?.Status === 'Activated' && !access.has('EditActivatedOrders')) throw insufficientAccess();
}
