/**
 * The REST API subset the product, jsforce (@salesforce/core's Connection) and the `sf` CLI use
 * (REST API Developer Guide): versions, resources, limits, query/queryAll with nextRecordsUrl paging,
 * sObject describe and row CRUD, upsert by external id, composite, sObject collections, and the
 * OAuth userinfo endpoint that `sf org login access-token` calls.
 */
import { createHash } from 'node:crypto';
import { fieldValue } from './compoundAddress.js';
import { SalesforceApiError, notFound } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import { describeGlobal, describeObject } from 'plugin-stripe-cpq/lib/cpqSchema/describe.js';
import { API_VERSIONS, DAILY_API_REQUESTS, type EmulatedOrg } from './org.js';
import { checkAccess } from './writeChecks.js';
import type { ApiRequest, ApiResponse, Router } from './router.js';
import { describeQueryColumns, runQuery, type JsonRecord } from './soql/query.js';
import type { SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

const V = String.raw`/services/data/v(\d+\.\d)`;
const DEFAULT_BATCH_SIZE = 2000;
const MAX_COLLECTION_SIZE = 200;
const MAX_COMPOSITE_SUBREQUESTS = 25;
/** Of which query operations (Query, QueryAll, Query More): REST API Developer Guide, "Composite". */
const MAX_COMPOSITE_QUERIES = 5;

export function addRestRoutes(router: Router, org: EmulatedOrg): void {
  /** A route under `/services/data/vXX.X`: the handler gets the version (`v62.0`), 404 for one the org does not serve. */
  const data = (method: string, path: string, handle: (request: ApiRequest, version: string) => ApiResponse): void => {
    router.add(method, new RegExp(`^${V}${path}$`), (request) => {
      const version = request.params[0] ?? '';
      if (!API_VERSIONS.includes(version)) throw notFound();
      return handle(request, `v${version}`);
    });
  };
  const OBJECT = String.raw`/sobjects/(\w+)`;

  router.add('GET', /^\/services\/oauth2\/userinfo$/, () => ({ status: 200, body: userInfo(org) }));
  router.add('GET', /^\/services\/data$/, () => ({
    status: 200,
    body: API_VERSIONS.map((v) => ({ label: `Version ${v}`, url: `/services/data/v${v}`, version: v })),
  }));
  data('GET', '', (_, v) => ({ status: 200, body: resources(v) }));
  data('GET', '/limits', () => ({ status: 200, body: limits(org) }));
  data('GET', '/(query|queryAll)', (r, v) => query(org, v, r));
  data('GET', String.raw`/(?:query|queryAll)/(01gEm\d+)-(\d+)`, (r, v) =>
    nextBatch(org, v, r.params[1] ?? '', Number(r.params[2])),
  );
  data('GET', '/sobjects', (_, v) => ({ status: 200, body: describeGlobal(org.schemaView(), v) }));
  data('GET', `${OBJECT}/describe`, (r, v) => describeResponse(org, v, r));
  data('GET', OBJECT, (r, v) => {
    const {
      fields: _f,
      childRelationships: _c,
      recordTypeInfos: _r,
      supportedScopes: _s,
      ...objectDescribe
    } = describeObject(org.schemaView(), r.params[1] ?? '', v);
    return { status: 200, body: { objectDescribe, recentItems: [] } };
  });
  data('POST', OBJECT, (r) => create(org, r.params[1] ?? '', r.body));
  data('GET', `${OBJECT}/([^/]+)`, (r, v) => getRow(org, v, r));
  data('PATCH', `${OBJECT}/([^/]+)`, (r) => updateRow(org, r));
  data('DELETE', `${OBJECT}/([^/]+)`, (r) => {
    deleteRow(org, r.params[1] ?? '', r.params[2] ?? '');
    return { status: 204 };
  });
  data('GET', String.raw`${OBJECT}/(\w+)/([^/]+)`, (r, v) => {
    const record = org.store.findByExternalId(r.params[1] ?? '', r.params[2] ?? '', r.params[3]);
    if (!record) throw notFound();
    return { status: 200, body: toJson(org, v, record, r.query.get('fields')) };
  });
  data('PATCH', String.raw`${OBJECT}/(\w+)/([^/]+)`, (r) =>
    upsert(org, r.params[1] ?? '', r.params[2] ?? '', r.params[3] ?? '', r.body),
  );
  data('POST', '/composite', (r, v) => composite(router, org, v, r));
  data('POST', '/composite/sobjects', (r) => collection(org, r, 'create'));
  data('PATCH', '/composite/sobjects', (r) => collection(org, r, 'update'));
  data('PATCH', String.raw`/composite/sobjects/(\w+)/(\w+)`, (r) => collection(org, r, 'upsert'));
  data('DELETE', '/composite/sobjects', (r) => deleteCollection(org, r));
  data('GET', String.raw`/composite/sobjects/(\w+)`, (r, v) => retrieveCollection(org, v, r));
}

/** The calling user (OpenID Connect UserInfo endpoint). */
function userInfo(org: EmulatedOrg): Record<string, unknown> {
  const userId = org.currentAccess().userId;
  const user = org.store.require(userId);
  return {
    sub: `https://login.salesforce.com/id/${org.orgId}/${userId}`,
    user_id: userId,
    organization_id: org.orgId,
    preferred_username: user.Username,
    nickname: user.Alias,
    name: user.Name,
    email: user.Email,
    email_verified: true,
    given_name: user.FirstName,
    family_name: user.LastName,
    zoneinfo: 'GMT',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    updated_at: user.LastModifiedDate,
    is_app_installed: true,
  };
}

function resources(v: string): Record<string, string> {
  const base = `/services/data/${v}`;
  return Object.fromEntries(
    ['sobjects', 'query', 'queryAll', 'composite', 'limits', 'ui-api'].map((name) => [name, `${base}/${name}`]),
  );
}

/** `/limits` is for users with View Setup and Configuration (REST API Guide, "Limits"). */
function limits(org: EmulatedOrg): Record<string, { Max: number; Remaining: number }> {
  if (!org.currentAccess().has('ViewSetup')) {
    throw new SalesforceApiError(
      403,
      'INSUFFICIENT_ACCESS',
      'The Limits resource requires the View Setup and Configuration permission (ViewSetup).',
    );
  }
  const used = org.apiRequestsToday();
  return {
    DailyApiRequests: { Max: DAILY_API_REQUESTS, Remaining: Math.max(0, DAILY_API_REQUESTS - used) },
    DataStorageMB: { Max: 1024, Remaining: 1024 },
    FileStorageMB: { Max: 1024, Remaining: 1024 },
    DailyAsyncApexExecutions: { Max: 250_000, Remaining: 250_000 },
    DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
  };
}

/** `Sforce-Query-Options: batchSize=N` (200–2000; REST API Guide, "Query Options Header"). */
function batchSize(request: ApiRequest): number {
  const header = request.headers['sforce-query-options'] ?? '';
  const match = /batchSize\s*=\s*(\d+)/i.exec(header);
  if (!match) return DEFAULT_BATCH_SIZE;
  return Math.min(DEFAULT_BATCH_SIZE, Math.max(200, Number(match[1])));
}

function query(org: EmulatedOrg, v: string, request: ApiRequest): ApiResponse {
  const soql = request.query.get('q');
  if (!soql) throw new SalesforceApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  if (request.query.get('columns') === 'true') return { status: 200, body: describeQueryColumns(soql, org.scope(v)) };
  const outcome = runQuery(soql, { ...org.restScope(v), includeDeleted: request.params[1] === 'queryAll' });
  return page(org, v, outcome.records, outcome.totalSize, batchSize(request), 0);
}

function nextBatch(org: EmulatedOrg, v: string, locator: string, offset: number): ApiResponse {
  const cursor = org.cursor(locator);
  if (!cursor) throw new SalesforceApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  return page(org, v, cursor.records, cursor.totalSize, cursor.batchSize, offset, locator);
}

function page(
  org: EmulatedOrg,
  v: string,
  records: JsonRecord[],
  totalSize: number,
  size: number,
  offset: number,
  locator?: string,
): ApiResponse {
  const end = batchEnd(records, offset, size);
  const batch = records.slice(offset, end);
  if (end >= records.length) {
    if (locator) org.closeCursor(locator);
    return { status: 200, body: { totalSize, done: true, records: batch } };
  }
  const cursor = locator ?? org.openCursor(records, totalSize, size);
  return {
    status: 200,
    body: { totalSize, done: false, nextRecordsUrl: `/services/data/${v}/query/${cursor}-${end}`, records: batch },
  };
}

/**
 * Where the batch starting at `offset` ends: child rows returned inline count toward the batch size
 * ("Child objects count toward the number of records for the batch size", Query Options Header), and a
 * batch holds at least one row.
 */
function batchEnd(records: readonly JsonRecord[], offset: number, size: number): number {
  let end = offset;
  let weight = 0;
  while (end < records.length) {
    const rows = 1 + inlineChildRows(records[end] as JsonRecord);
    if (end > offset && weight + rows > size) break;
    weight += rows;
    end++;
  }
  return end;
}

function inlineChildRows(record: JsonRecord): number {
  let rows = 0;
  for (const value of Object.values(record)) {
    const records = (value as { records?: unknown } | null)?.records;
    if (Array.isArray(records)) rows += records.length;
  }
  return rows;
}

function describeResponse(org: EmulatedOrg, v: string, request: ApiRequest): ApiResponse {
  const body = describeObject(org.schemaView(), request.params[1] ?? '', v);
  const etag = `"${createHash('sha1').update(JSON.stringify(body)).digest('hex').slice(0, 16)}"`;
  if (request.headers['if-none-match'] === etag) return { status: 304, headers: { ETag: etag } };
  return { status: 200, body, headers: { ETag: etag } };
}

/** A stored record as the REST API returns it; `fields` limits it to a comma-separated list. */
export function toJson(org: EmulatedOrg, v: string, record: SObjectRecord, fields?: string | null): JsonRecord {
  const type = org.store.typeOf(record);
  const out: JsonRecord = { attributes: { type, url: `/services/data/${v}/sobjects/${type}/${String(record.Id)}` } };
  const schema = org.schemaView();
  const selected = fields
    ? fields.split(',').map((f) => schema.field(type, f.trim()))
    : [...schema.object(type).fields.values()];
  for (const field of selected) out[field.name] = fieldValue(record, field);
  return out;
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function rejectReadOnlyObject(org: EmulatedOrg, sobject: string, operation: string): void {
  const name = org.schema.object(sobject).name;
  if (name.endsWith('__mdt') || name === 'Organization') {
    throw new SalesforceApiError(
      400,
      'INVALID_TYPE_FOR_OPERATION',
      `entity type ${name} does not support ${operation}`,
    );
  }
}

function deleteRow(org: EmulatedOrg, sobject: string, id: string): void {
  const record = org.store.require(id, org.schemaView().object(sobject).name);
  checkAccess(org, sobject, 'delete', {}, record);
  org.store.delete(sobject, id);
}

function create(org: EmulatedOrg, sobject: string, body: unknown): ApiResponse {
  rejectReadOnlyObject(org, sobject, 'insert');
  checkAccess(org, sobject, 'create', bodyObject(body));
  const id = org.store.insert(sobject, bodyObject(body));
  return { status: 201, body: { id, success: true, errors: [] } };
}

/**
 * ETags and the conditional headers of sObject Rows work on Account rows only (REST API Developer Guide,
 * "Get/Update/Delete Records Using sObject Rows": "If the object is an Account object, the response also
 * contains an ETag header"; If-Match / If-None-Match "only has an effect when used with Account objects";
 * "Conditional Request Headers": supported resources "sObject Rows (account records only)"). On every other
 * object Salesforce sends no ETag and ignores the headers — a conditional update simply updates.
 */
const honoursConditions = (sobject: string): boolean => sobject === 'Account';

/** A validator of the record's version, for If-Match / If-None-Match. */
function etagOf(record: SObjectRecord): string {
  return `"${createHash('sha1')
    .update(`${String(record.Id)}:${String(record.SystemModstamp)}`)
    .digest('hex')
    .slice(0, 20)}"`;
}

function getRow(org: EmulatedOrg, v: string, request: ApiRequest): ApiResponse {
  const [, sobject = '', id = ''] = request.params;
  const name = org.schemaView().object(sobject).name;
  const record = org.store.require(id, name);
  const body = toJson(org, v, record, request.query.get('fields'));
  if (!honoursConditions(name)) return { status: 200, body };
  const etag = etagOf(record);
  const lastModified = new Date(String(record.LastModifiedDate).replace('+0000', 'Z')).toUTCString();
  const headers = { ETag: etag, 'Last-Modified': lastModified };
  if (request.headers['if-none-match'] === etag) return { status: 304, headers };
  const since = request.headers['if-modified-since'];
  if (since && Date.parse(since) >= Math.floor(Date.parse(lastModified) / 1000) * 1000) return { status: 304, headers };
  return { status: 200, body, headers };
}

/** PATCH, with the conditional headers on Account rows (412 when the record moved on), ignored elsewhere. */
function updateRow(org: EmulatedOrg, request: ApiRequest): ApiResponse {
  const [, sobject = '', id = ''] = request.params;
  rejectReadOnlyObject(org, sobject, 'update');
  const name = org.schemaView().object(sobject).name;
  const record = org.store.require(id, name);
  checkAccess(org, sobject, 'edit', bodyObject(request.body), record);
  if (honoursConditions(name)) assertPreconditions(record, request);
  org.store.update(sobject, id, bodyObject(request.body));
  return honoursConditions(name) ? { status: 204, headers: { ETag: etagOf(org.store.require(id)) } } : { status: 204 };
}

function assertPreconditions(record: SObjectRecord, request: ApiRequest): void {
  const ifMatch = request.headers['if-match'];
  const ifUnmodifiedSince = request.headers['if-unmodified-since'];
  const lastModified = Date.parse(String(record.LastModifiedDate).replace('+0000', 'Z'));
  if (
    (ifMatch && ifMatch !== etagOf(record) && ifMatch !== '*') ||
    (ifUnmodifiedSince && lastModified > Date.parse(ifUnmodifiedSince) + 999)
  ) {
    throw new SalesforceApiError(
      412,
      'PRECONDITION_FAILED',
      'The record was modified after the time in the condition header; read it again before updating.',
    );
  }
}

function upsert(org: EmulatedOrg, sobject: string, field: string, value: string, body: unknown): ApiResponse {
  rejectReadOnlyObject(org, sobject, 'upsert');
  const fields = bodyObject(body);
  const existing = org.store.findByExternalId(sobject, field, value);
  if (existing) {
    checkAccess(org, sobject, 'edit', fields, existing);
    org.store.update(sobject, String(existing.Id), fields);
    return { status: 200, body: { id: existing.Id, success: true, errors: [], created: false } };
  }
  const fieldName = org.schema.field(sobject, field).name;
  const created = fieldName === 'Id' ? fields : { ...fields, [fieldName]: value };
  checkAccess(org, sobject, 'create', created);
  const id = org.store.insert(sobject, created);
  return { status: 201, body: { id, success: true, errors: [], created: true } };
}

interface SubRequest {
  readonly method: string;
  readonly url: string;
  readonly referenceId: string;
  readonly body?: unknown;
  readonly httpHeaders?: Record<string, string>;
}

const HALTED = {
  status: 400,
  body: [
    {
      errorCode: 'PROCESSING_HALTED',
      message: 'The transaction was rolled back since another operation in the same transaction failed.',
    },
  ],
};

/**
 * `/composite` (REST API Guide, "Composite"): up to 25 sub-requests, at most 5 of them sObject Collections or queries, in order, each able to use earlier
 * results through `@{referenceId.field}`. With allOrNone, the first failure rolls everything back.
 */
function composite(router: Router, org: EmulatedOrg, v: string, request: ApiRequest): ApiResponse {
  const body = bodyObject(request.body);
  const subrequests = (body.compositeRequest ?? []) as SubRequest[];
  if (!Array.isArray(subrequests) || subrequests.length === 0)
    throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'compositeRequest must be a non-empty array');
  if (subrequests.length > MAX_COMPOSITE_SUBREQUESTS) {
    throw new SalesforceApiError(
      400,
      'LIMIT_EXCEEDED',
      `Composite requests can contain at most ${MAX_COMPOSITE_SUBREQUESTS} subrequests`,
    );
  }
  const limited = subrequests.filter(
    (sub) =>
      (sub.method.toUpperCase() === 'GET' && /^\/services\/data\/v[\d.]+\/(query|queryAll)(\/|\?|$)/.test(sub.url)) ||
      /^\/services\/data\/v[\d.]+\/composite\/sobjects(\/|\?|$)/.test(sub.url),
  ).length;
  if (limited > MAX_COMPOSITE_QUERIES) {
    throw new SalesforceApiError(
      400,
      'LIMIT_EXCEEDED',
      `Composite requests can contain at most ${MAX_COMPOSITE_QUERIES} sObject Collections or query operations (Query, QueryAll, Query More); this one has ${limited}`,
    );
  }
  const allOrNone = body.allOrNone === true;
  const results = new Map<string, unknown>();
  const responses: Array<{
    body: unknown;
    httpHeaders: Record<string, string>;
    httpStatusCode: number;
    referenceId: string;
  }> = [];
  const run = (): void => {
    for (const sub of subrequests) {
      let response: ApiResponse;
      try {
        const url = resolveReferences(sub.url, results, true) as string;
        if (!url.startsWith(`/services/data/${v}/`))
          throw new SalesforceApiError(
            400,
            'INVALID_URL',
            `The composite request URL must start with /services/data/${v}/`,
          );
        response = router.dispatch(
          sub.method.toUpperCase(),
          url,
          resolveReferences(sub.body, results, false),
          lowerCase(sub.httpHeaders ?? {}),
        );
      } catch (error) {
        if (!(error instanceof SalesforceApiError)) throw error;
        response = { status: error.status, body: error.toBody() };
      }
      responses.push({
        body: response.body ?? null,
        httpHeaders: response.headers ?? {},
        httpStatusCode: response.status,
        referenceId: sub.referenceId,
      });
      if (response.status < 400) results.set(sub.referenceId, response.body);
      else if (allOrNone) throw new CompositeAbort();
    }
  };
  try {
    org.store.transaction(run);
  } catch (error) {
    if (!(error instanceof CompositeAbort)) throw error;
    const failed = responses.length - 1;
    const all = subrequests.map((sub, i) =>
      i === failed
        ? (responses[i] as (typeof responses)[number])
        : { ...HALTED, httpHeaders: {}, httpStatusCode: HALTED.status, referenceId: sub.referenceId },
    );
    return {
      status: 200,
      body: {
        compositeResponse: all.map(({ body, httpHeaders, httpStatusCode, referenceId }) => ({
          body,
          httpHeaders,
          httpStatusCode,
          referenceId,
        })),
      },
    };
  }
  return { status: 200, body: { compositeResponse: responses } };
}

class CompositeAbort extends Error {}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, value]) => [k.toLowerCase(), value]));
}

/** Replaces `@{ref.path}` in strings, deep in objects and arrays. */
function resolveReferences(value: unknown, results: Map<string, unknown>, inUrl: boolean): unknown {
  if (typeof value === 'string') {
    return value.replace(/@\{([^}.[]+)((?:\.[\w]+|\[\d+\])*)\}/g, (_, ref: string, path: string) => {
      if (!results.has(ref)) {
        throw new SalesforceApiError(
          400,
          'PROCESSING_HALTED',
          `Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') does not have a successful result.`,
        );
      }
      let current: unknown = results.get(ref);
      for (const step of path.match(/\.[\w]+|\[\d+\]/g) ?? []) {
        current = (current as Record<string, unknown> | undefined)?.[
          step.startsWith('.') ? step.slice(1) : step.slice(1, -1)
        ];
      }
      if (current === undefined)
        throw new SalesforceApiError(
          400,
          'PROCESSING_HALTED',
          `Invalid reference specified. No value for ${ref}${path} found in ${ref}.`,
        );
      return inUrl ? encodeURIComponent(String(current)) : String(current);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, results, inUrl));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, results, inUrl)]));
  return value;
}

interface SaveResult {
  id: string | null;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields: string[] }>;
  created?: boolean;
}

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

/**
 * sObject Collections (REST API Guide, "sObject Collections"): create, update or upsert up to 200
 * records; errors per record as `{ statusCode, message, fields }`; with allOrNone, one failure rolls
 * back all and every other record reports ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
function collection(org: EmulatedOrg, request: ApiRequest, mode: 'create' | 'update' | 'upsert'): ApiResponse {
  const body = bodyObject(request.body);
  const records = body.records as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(records)) throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'records must be an array');
  const [, upsertObject = '', upsertField = ''] = request.params;
  return runCollection(org, records.length, body.allOrNone === true, (i) => {
    const record = records[i] ?? {};
    const { attributes, ...fields } = record as { attributes?: { type?: string } } & Record<string, unknown>;
    const type = mode === 'upsert' ? upsertObject : attributes?.type;
    if (!type)
      throw new SalesforceApiError(400, 'INVALID_TYPE', 'Must specify a type in attributes for each record', [
        'attributes',
      ]);
    if (mode === 'create') {
      if (fields.Id !== undefined)
        throw new SalesforceApiError(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
      return { id: (create(org, type, fields).body as { id: string }).id };
    }
    if (mode === 'update') {
      const id = String(fields.Id ?? '');
      updateRow(org, {
        method: 'PATCH',
        path: '',
        params: ['', type, id],
        query: new URLSearchParams(),
        body: fields,
        headers: {},
      });
      return { id: org.store.require(id).Id as string };
    }
    const value = fields[org.schema.field(type, upsertField).name];
    if (value === undefined || value === null)
      throw new SalesforceApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${upsertField}]`, [
        upsertField,
      ]);
    const outcome = upsert(org, type, upsertField, String(value), fields).body as { id: string; created: boolean };
    return { id: outcome.id, created: outcome.created };
  });
}

function deleteCollection(org: EmulatedOrg, request: ApiRequest): ApiResponse {
  const ids = (request.query.get('ids') ?? '').split(',').filter(Boolean);
  return runCollection(org, ids.length, request.query.get('allOrNone') === 'true', (i) => {
    const id = ids[i] ?? '';
    const record = org.store.require(id);
    deleteRow(org, org.store.typeOf(record), id);
    return { id: record.Id as string };
  });
}

function runCollection(
  org: EmulatedOrg,
  size: number,
  allOrNone: boolean,
  save: (index: number) => { id: string; created?: boolean },
): ApiResponse {
  if (size > MAX_COLLECTION_SIZE) {
    throw new SalesforceApiError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_COLLECTION_SIZE} records into this call`,
    );
  }
  const results: SaveResult[] = [];
  const saveOne = (i: number): SaveResult => {
    try {
      const { id, created } = save(i);
      return { id, success: true, errors: [], ...(created === undefined ? {} : { created }) };
    } catch (error) {
      if (!(error instanceof SalesforceApiError)) throw error;
      return {
        id: null,
        success: false,
        errors: [{ statusCode: error.errorCode, message: error.message, fields: error.fields }],
      };
    }
  };
  if (!allOrNone) {
    for (let i = 0; i < size; i++) results.push(saveOne(i));
    return { status: 200, body: results };
  }
  let failed = false;
  try {
    org.store.transaction(() => {
      for (let i = 0; i < size; i++) {
        const result = saveOne(i);
        results.push(result);
        if (!result.success) failed = true;
      }
      if (failed) throw new CompositeAbort();
    });
  } catch (error) {
    if (!(error instanceof CompositeAbort)) throw error;
  }
  return {
    status: 200,
    body: failed ? results.map((r) => (r.success ? { id: null, success: false, errors: [ROLLED_BACK] } : r)) : results,
  };
}

function retrieveCollection(org: EmulatedOrg, v: string, request: ApiRequest): ApiResponse {
  const sobject = org.schemaView().object(request.params[1] ?? '').name;
  const ids = (request.query.get('ids') ?? '').split(',').filter(Boolean);
  const fields = request.query.get('fields');
  if (!fields) throw new SalesforceApiError(400, 'MALFORMED_QUERY', 'The fields parameter is required');
  return {
    status: 200,
    body: ids.map((id) => {
      const record = org.store.get(id);
      return record && org.store.typeOf(record) === sobject ? toJson(org, v, record, fields) : null;
    }),
  };
}
