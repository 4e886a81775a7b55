/**
 * The User Interface API resources the Order page component's wire adapters call (UI API Developer
 * Guide): get a record (`getRecord`), create (`createRecord`), update (`updateRecord`) and delete a
 * record, related list records (`getRelatedListRecords`) and object info (`getObjectInfo`). Records
 * come back as Record Representations: `fields: { Name: { value, displayValue } }`, spanning fields nested.
 */
import { createHash } from 'node:crypto';
import { SalesforceApiError } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import { objectInfo } from 'plugin-stripe-cpq/lib/cpqSchema/describe.js';
import type { EmulatedOrg } from './org.js';
import { checkAccess } from './writeChecks.js';
import type { ApiRequest, ApiResponse, Router } from './router.js';
import { readPath, resolvePath, type FieldPath } from './soql/paths.js';
import type { FieldDef } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { FieldValue, SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

const V = String.raw`/services/data/v\d+\.\d/ui-api`;
const DEFAULT_PAGE_SIZE = 50;

interface FieldValueRepresentation {
  displayValue: string | null;
  value: FieldValue | RecordRepresentation;
}

export interface RecordRepresentation {
  apiName: string;
  childRelationships: Record<string, never>;
  eTag: string;
  fields: Record<string, FieldValueRepresentation>;
  id: string;
  lastModifiedById: FieldValue;
  lastModifiedDate: FieldValue;
  recordTypeId: null;
  recordTypeInfo: null;
  systemModstamp: FieldValue;
  weakEtag: number;
}

export function addUiApiRoutes(router: Router, org: EmulatedOrg): void {
  router
    .add('GET', new RegExp(`^${V}/records/([^/]+)$`), (r) => getRecord(org, r))
    .add('PATCH', new RegExp(`^${V}/records/([^/]+)$`), (r) => updateRecord(org, r))
    .add('DELETE', new RegExp(`^${V}/records/([^/]+)$`), (r) => {
      const record = org.store.require(r.params[0] ?? '');
      checkAccess(org, org.store.typeOf(record), 'delete', {}, record);
      org.store.delete(org.store.typeOf(record), String(record.Id));
      return { status: 204 };
    })
    .add('POST', new RegExp(`^${V}/records$`), (r) => createRecord(org, r))
    .add('GET', new RegExp(`^${V}/related-list-records/([^/]+)/([^/]+)$`), (r) => relatedListRecords(org, r))
    .add('GET', new RegExp(`^${V}/object-info/(\\w+)$`), (r) => ({
      status: 200,
      body: objectInfo(org.schemaView(), r.params[0] ?? ''),
    }));
}

function listParam(request: ApiRequest, name: string): string[] {
  return request.query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * Resolves `Order.Account.Name`-style names against the record's object. Unknown names in `fields`
 * fail with INVALID_FIELD; unknown `optionalFields` are left out, as the UI API does.
 */
function resolveFieldNames(org: EmulatedOrg, sobject: string, names: string[], optional: boolean): FieldPath[] {
  const paths: FieldPath[] = [];
  for (const name of names) {
    const [objectName, ...rest] = name.split('.');
    if (objectName?.toLowerCase() !== sobject.toLowerCase() || rest.length === 0) {
      if (optional) continue;
      throw new SalesforceApiError(
        400,
        'INVALID_FIELD',
        `Field names must be qualified with the object: ${sobject}.<field>, got ${name}`,
      );
    }
    try {
      paths.push(resolvePath(org.schemaView(), sobject, rest.join('.')));
    } catch (error) {
      if (!optional) throw error;
    }
  }
  return paths;
}

function displayValue(field: FieldDef, value: FieldValue): string | null {
  if (value === null) return null;
  if (field.type === 'picklist') return String(value);
  if (field.type === 'currency' && typeof value === 'number')
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value);
  if (field.type === 'date') {
    const [y, m, d] = String(value).split('-');
    return `${Number(m)}/${Number(d)}/${y}`;
  }
  return null;
}

function etag(record: SObjectRecord): string {
  return createHash('md5')
    .update(`${String(record.Id)}:${String(record.SystemModstamp)}`)
    .digest('hex');
}

/** A Record Representation holding `paths` (all of the object's fields when none are given). */
export function recordRepresentation(
  org: EmulatedOrg,
  record: SObjectRecord,
  paths?: FieldPath[],
): RecordRepresentation {
  const apiName = org.store.typeOf(record);
  const wanted =
    paths ??
    [...org.schemaView().object(apiName).fields.values()].map((f) => resolvePath(org.schemaView(), apiName, f.name));
  const rep: RecordRepresentation = {
    apiName,
    childRelationships: {},
    eTag: etag(record),
    fields: {},
    id: String(record.Id),
    lastModifiedById: record.LastModifiedById ?? null,
    lastModifiedDate: record.LastModifiedDate ?? null,
    recordTypeId: null,
    recordTypeInfo: null,
    systemModstamp: record.SystemModstamp ?? null,
    weakEtag: Date.parse(String(record.SystemModstamp).replace('+0000', 'Z')),
  };
  for (const path of wanted) placeField(org, rep, record, path, 0);
  return rep;
}

function placeField(
  org: EmulatedOrg,
  rep: RecordRepresentation,
  record: SObjectRecord,
  path: FieldPath,
  hop: number,
): void {
  if (hop === path.hops.length) {
    const value = record[path.field.name] ?? null;
    rep.fields[path.field.name] = { displayValue: displayValue(path.field, value), value };
    return;
  }
  const reference = path.hops[hop] as FieldDef;
  const name = reference.relationshipName ?? reference.name;
  rep.fields[reference.name] ??= { displayValue: null, value: record[reference.name] ?? null };
  const parentId = record[reference.name];
  const parent = typeof parentId === 'string' ? org.store.get(parentId) : undefined;
  if (!parent) {
    rep.fields[name] ??= { displayValue: null, value: null };
    return;
  }
  const existing = rep.fields[name]?.value;
  const nested = existing && typeof existing === 'object' ? existing : recordRepresentation(org, parent, []);
  placeField(org, nested, parent, path, hop + 1);
  const nameValue = parent.Name ?? null;
  rep.fields[name] = { displayValue: typeof nameValue === 'string' ? nameValue : null, value: nested };
}

function getRecord(org: EmulatedOrg, request: ApiRequest): ApiResponse {
  const record = org.store.require(request.params[0] ?? '');
  const sobject = org.schemaView().object(org.store.typeOf(record)).name;
  const fields = listParam(request, 'fields');
  const optionalFields = listParam(request, 'optionalFields');
  if (fields.length === 0 && optionalFields.length === 0) {
    throw new SalesforceApiError(
      400,
      'ILLEGAL_QUERY_PARAMETER_VALUE',
      'Specify fields or optionalFields (or layoutTypes, which this org emulator does not support)',
    );
  }
  const paths = [
    ...resolveFieldNames(org, sobject, fields, false),
    ...resolveFieldNames(org, sobject, optionalFields, true),
  ];
  return { status: 200, body: recordRepresentation(org, record, paths) };
}

function recordInput(body: unknown): { apiName?: string; fields: Record<string, unknown> } {
  const input = body as { apiName?: unknown; fields?: unknown } | null;
  if (!input || typeof input.fields !== 'object' || input.fields === null) {
    throw new SalesforceApiError(
      400,
      'INVALID_INPUT',
      'The request body must be a Record Input: { "apiName": …, "fields": { … } }',
    );
  }
  return {
    ...(typeof input.apiName === 'string' ? { apiName: input.apiName } : {}),
    fields: input.fields as Record<string, unknown>,
  };
}

function createRecord(org: EmulatedOrg, request: ApiRequest): ApiResponse {
  const { apiName, fields } = recordInput(request.body);
  if (!apiName) throw new SalesforceApiError(400, 'INVALID_INPUT', 'apiName is required to create a record');
  if (org.schema.object(apiName).name.endsWith('__mdt'))
    throw new SalesforceApiError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${apiName} does not support insert`);
  checkAccess(org, apiName, 'create', fields);
  const id = org.store.insert(apiName, fields);
  return { status: 201, body: recordRepresentation(org, org.store.require(id)) };
}

function updateRecord(org: EmulatedOrg, request: ApiRequest): ApiResponse {
  const record = org.store.require(request.params[0] ?? '');
  const ifMatch = request.headers['if-match'];
  if (ifMatch && ifMatch.replace(/"/g, '') !== etag(record)) {
    throw new SalesforceApiError(
      412,
      'PRECONDITION_FAILED',
      'The record you are trying to update has been changed by another user; reload it and try again.',
    );
  }
  const { fields } = recordInput(request.body);
  checkAccess(org, org.store.typeOf(record), 'edit', fields, record);
  org.store.update(org.store.typeOf(record), String(record.Id), fields);
  return { status: 200, body: recordRepresentation(org, org.store.require(String(record.Id))) };
}

/** Related List Records: `relatedListId` is the child relationship name (`OrderItems`, `Sync_Records__r`). */
function relatedListRecords(org: EmulatedOrg, request: ApiRequest): ApiResponse {
  const [parentId = '', relatedListId = ''] = request.params;
  const parent = org.store.require(parentId);
  const relationship = org.schemaView().childRelationship(org.store.typeOf(parent), relatedListId);
  if (!relationship)
    throw new SalesforceApiError(
      404,
      'NOT_FOUND',
      `The related list ${relatedListId} does not exist on ${org.store.typeOf(parent)}`,
    );
  const child = relationship.childSObject;
  const paths = [
    ...resolveFieldNames(org, child, listParam(request, 'fields'), false),
    ...resolveFieldNames(org, child, listParam(request, 'optionalFields'), true),
  ];
  const sortBy = listParam(request, 'sortBy').map((s) => ({
    path: resolvePath(org.schemaView(), child, s.replace(/^-/, '').replace(new RegExp(`^${child}\\.`, 'i'), '')),
    descending: s.startsWith('-'),
  }));
  const pageSize = Number(request.query.get('pageSize') ?? DEFAULT_PAGE_SIZE);
  const pageToken = Number(request.query.get('pageToken') ?? 0);
  const rows = [...org.store.childIds(child, relationship.field, String(parent.Id))].map((id) => org.store.require(id));
  rows.sort((a, b) => {
    for (const { path, descending } of sortBy) {
      const x = readPath(org.store, a, path);
      const y = readPath(org.store, b, path);
      if (x === y) continue;
      const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  });
  const pageRows = rows.slice(pageToken, pageToken + pageSize);
  const next = pageToken + pageSize < rows.length ? String(pageToken + pageSize) : null;
  return {
    status: 200,
    body: {
      count: pageRows.length,
      currentPageToken: String(pageToken),
      nextPageToken: next,
      nextPageUrl: next ? `${request.path}?pageToken=${next}&pageSize=${pageSize}` : null,
      previousPageToken: pageToken > 0 ? String(Math.max(0, pageToken - pageSize)) : null,
      pageSize,
      listReference: {
        parentObjectApiName: org.store.typeOf(parent),
        parentRecordId: String(parent.Id),
        relatedListId,
        inContextOfRecordId: String(parent.Id),
      },
      records: pageRows.map((row) => recordRepresentation(org, row, paths.length > 0 ? paths : undefined)),
    },
  };
}
