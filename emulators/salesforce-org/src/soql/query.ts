/**
 * SOQL SELECT evaluated over the store: fields and parent relationship paths, child subqueries with
 * their own WHERE/ORDER BY/LIMIT, COUNT(), FIELDS(), semi-joins, ORDER BY with NULLS FIRST/LAST,
 * LIMIT and OFFSET. Records come back shaped as the REST API shapes them (`attributes`, nested
 * parents, child results as `{ totalSize, done, records }` or null). Anything this evaluator does not
 * implement fails with MALFORMED_QUERY rather than answering wrongly.
 */
import {
  parseQuery,
  type FieldType,
  type OrderByClause,
  type Query,
  type Subquery,
} from '@jetstreamapp/soql-parser-js';
import { fieldValue } from '../compoundAddress.js';
import { SalesforceApiError, malformedQuery } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import type { ChildRelationship } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { FieldValue, SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import { followHops, resolvePath, type FieldPath } from './paths.js';
import type { ChildPage, QueryScope } from './scope.js';
import { candidateRecords, type IndexLookup } from './lookup.js';
import { compileWhere, type Predicate } from './where.js';

/** A record as the REST API returns it. */
export interface JsonRecord {
  attributes: { type: string; url: string };
  [field: string]: unknown;
}

export interface QueryOutcome {
  readonly totalSize: number;
  readonly records: JsonRecord[];
}

type Selector =
  | { readonly kind: 'path'; readonly path: FieldPath }
  | { readonly kind: 'child'; readonly relationship: ChildRelationship; readonly query: CompiledQuery }
  | { readonly kind: 'count'; readonly alias: string; readonly path?: FieldPath };

interface CompiledQuery {
  readonly sobject: string;
  readonly selectors: readonly Selector[];
  readonly countOnly: boolean;
  readonly predicate: Predicate;
  readonly lookup: IndexLookup | undefined;
  readonly orderBy: readonly { path: FieldPath; descending: boolean; nullsLast: boolean }[];
  readonly limit: number | undefined;
  readonly offset: number;
}

function compileText(soql: string, scope: QueryScope): CompiledQuery {
  let parsed: Query;
  try {
    parsed = parseQuery(soql);
  } catch (error) {
    throw malformedQuery(`${soql}\n${(error as Error).message.split('\n')[0] ?? 'could not parse the query'}`);
  }
  if (!parsed.sObject) throw malformedQuery('FROM clause is missing');
  return compile(parsed, scope.schema.object(parsed.sObject).name, scope);
}

/** Parses, checks against the schema and runs `soql`. */
export function runQuery(soql: string, scope: QueryScope): QueryOutcome {
  const query = compileText(soql, scope);
  const matches = select(query, scope, candidates(query, scope));
  if (query.countOnly) return { totalSize: matches.length, records: [] };
  if (query.selectors.some((s) => s.kind === 'count')) return { totalSize: 1, records: [aggregate(query, matches)] };
  return { totalSize: matches.length, records: matches.map((r) => shape(r, query, scope)) };
}

function compile(query: Query | Subquery, sobject: string, scope: QueryScope): CompiledQuery {
  for (const [clause, present] of [
    ['GROUP BY', query.groupBy],
    ['HAVING', query.having],
    ['WITH', query.withDataCategory],
    ['FOR', query.for],
    ['UPDATE', query.update],
    ['USING SCOPE', query.usingScope],
  ] as const) {
    if (present) throw malformedQuery(`${clause} is not supported by this org emulator`);
  }
  const alias = query.sObjectAlias;
  const selectors = (query.fields ?? []).flatMap((f) => selectorsFor(f, sobject, scope, query.limit, alias));
  const countOnly =
    selectors.length === 1 && selectors[0]?.kind === 'count' && !selectors[0].path && selectors[0].alias === 'COUNT()';
  if (selectors.some((s) => s.kind === 'count') && selectors.some((s) => s.kind !== 'count')) {
    throw malformedQuery(
      'Field must be grouped or aggregated: aggregate functions cannot be mixed with plain fields without GROUP BY',
    );
  }
  const where = compileWhere(query.where, sobject, scope, alias);
  const orderClauses: OrderByClause[] = query.orderBy
    ? Array.isArray(query.orderBy)
      ? query.orderBy
      : [query.orderBy]
    : [];
  const orderBy = orderClauses.map((clause) => {
    if (!('field' in clause)) throw malformedQuery('ORDER BY a function is not supported by this org emulator');
    const descending = clause.order === 'DESC';
    // Salesforce's defaults: nulls first when ascending, last when descending.
    return {
      path: resolvePath(scope.schema, sobject, clause.field, alias),
      descending,
      nullsLast: clause.nulls ? clause.nulls === 'LAST' : descending,
    };
  });
  if ((query.offset ?? 0) > 2000)
    throw new SalesforceApiError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
  return {
    sobject,
    selectors,
    countOnly,
    predicate: where.predicate,
    lookup: where.lookup,
    orderBy,
    limit: query.limit,
    offset: query.offset ?? 0,
  };
}

function selectorsFor(
  field: FieldType,
  sobject: string,
  scope: QueryScope,
  limit: number | undefined,
  alias?: string,
): Selector[] {
  switch (field.type) {
    case 'Field':
    case 'FieldRelationship': {
      const text = field.type === 'Field' ? field.field : [...field.relationships, field.field].join('.');
      return [{ kind: 'path', path: resolvePath(scope.schema, sobject, text, alias) }];
    }
    case 'FieldSubquery': {
      const relationship = scope.schema.childRelationship(sobject, field.subquery.relationshipName);
      if (!relationship) {
        throw new SalesforceApiError(
          400,
          'INVALID_TYPE',
          `Didn't understand relationship '${field.subquery.relationshipName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      return [{ kind: 'child', relationship, query: compile(field.subquery, relationship.childSObject, scope) }];
    }
    case 'FieldFunctionExpression':
      return functionSelectors(field.functionName.toUpperCase(), field.parameters, field.alias, sobject, scope, limit);
    default:
      throw malformedQuery(`${field.type} is not supported by this org emulator`);
  }
}

function functionSelectors(
  name: string,
  parameters: unknown[],
  alias: string | undefined,
  sobject: string,
  scope: QueryScope,
  limit: number | undefined,
): Selector[] {
  if (name === 'COUNT') {
    const [param] = parameters;
    if (param === undefined) return [{ kind: 'count', alias: alias ?? 'COUNT()' }];
    if (typeof param !== 'string') throw malformedQuery('COUNT takes a field name');
    const path = resolvePath(scope.schema, sobject, param);
    if (path.hops.length > 0)
      throw malformedQuery('COUNT() of a relationship field is not supported by this org emulator');
    return [{ kind: 'count', alias: alias ?? 'expr0', path }];
  }
  if (name === 'FIELDS') {
    const which = String(parameters[0]).toUpperCase();
    // SOQL Reference, "FIELDS()": ALL and CUSTOM are bounded to 200 rows.
    if (which !== 'STANDARD' && (limit === undefined || limit > 200)) {
      throw malformedQuery('The SOQL FIELDS function must have a LIMIT of at most 200');
    }
    const fields = [...scope.schema.object(sobject).fields.values()].filter(
      (f) => which === 'ALL' || (which === 'CUSTOM') === f.custom,
    );
    return fields.map((f) => ({ kind: 'path', path: resolvePath(scope.schema, sobject, f.name) }));
  }
  throw malformedQuery(`${name}() is not supported by this org emulator`);
}

/** The records to test: narrowed by the WHERE clause's index lookup when it has one. */
function candidates(query: CompiledQuery, scope: QueryScope): Iterable<SObjectRecord> {
  if (scope.includeDeleted) return [...scope.store.all(query.sobject), ...scope.store.deleted(query.sobject)];
  return candidateRecords(scope.store, query.sobject, query.lookup);
}

function select(query: CompiledQuery, scope: QueryScope, from: Iterable<SObjectRecord>): SObjectRecord[] {
  const matches: SObjectRecord[] = [];
  for (const record of from) if (query.predicate(record)) matches.push(record);
  if (query.orderBy.length > 0) matches.sort((a, b) => compareRecords(a, b, query, scope));
  const end = query.limit === undefined ? undefined : query.offset + query.limit;
  return query.offset > 0 || end !== undefined ? matches.slice(query.offset, end) : matches;
}

/** Text sorts case-insensitively, as Salesforce's default collation does; one collator for every comparison. */
const TEXT_ORDER = new Intl.Collator('en', { sensitivity: 'base' });
const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'email', 'phone', 'url']);

function compareRecords(a: SObjectRecord, b: SObjectRecord, query: CompiledQuery, scope: QueryScope): number {
  for (const { path, descending, nullsLast } of query.orderBy) {
    const x = valueAt(a, path, scope);
    const y = valueAt(b, path, scope);
    if (x === y) continue;
    if (x === null) return nullsLast ? 1 : -1;
    if (y === null) return nullsLast ? -1 : 1;
    const order = TEXT_TYPES.has(path.field.type)
      ? TEXT_ORDER.compare(String(x), String(y))
      : x < y
        ? -1
        : x > y
          ? 1
          : 0;
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}

function valueAt(record: SObjectRecord, path: FieldPath, scope: QueryScope): FieldValue {
  const target = path.hops.length === 0 ? record : followHops(scope.store, record, path.hops);
  return target?.[path.field.name] ?? null;
}

function attributes(type: string, id: FieldValue, scope: QueryScope): JsonRecord['attributes'] {
  return { type, url: `/services/data/${scope.apiVersion}/sobjects/${type}/${String(id)}` };
}

function shape(record: SObjectRecord, query: CompiledQuery, scope: QueryScope): JsonRecord {
  const out: JsonRecord = { attributes: attributes(query.sobject, record.Id ?? null, scope) };
  for (const selector of query.selectors) {
    if (selector.kind === 'path') placePath(out, record, selector.path, 0, scope);
    else if (selector.kind === 'child')
      out[selector.relationship.relationshipName] = childResult(record, selector, scope);
  }
  return out;
}

/** Writes the path's value into `out`, nesting parent records as `{ attributes, …fields }` or null. */
function placePath(out: JsonRecord, record: SObjectRecord, path: FieldPath, hop: number, scope: QueryScope): void {
  if (hop === path.hops.length) {
    out[path.field.name] = fieldValue(record, path.field);
    return;
  }
  const reference = path.hops[hop];
  if (!reference?.relationshipName) return;
  const parentId = record[reference.name];
  const parent = typeof parentId === 'string' ? scope.store.get(parentId) : undefined;
  if (!parent) {
    if (!(reference.relationshipName in out)) out[reference.relationshipName] = null;
    return;
  }
  let nested = out[reference.relationshipName] as JsonRecord | null | undefined;
  if (!nested)
    out[reference.relationshipName] = nested = {
      attributes: attributes(scope.store.typeOf(parent), parent.Id ?? null, scope),
    };
  placePath(nested, parent, path, hop + 1, scope);
}

function childResult(
  parent: SObjectRecord,
  selector: Extract<Selector, { kind: 'child' }>,
  scope: QueryScope,
): ChildPage | null {
  const { relationship, query } = selector;
  const children: SObjectRecord[] = [];
  for (const id of scope.store.childIds(relationship.childSObject, relationship.field, String(parent.Id))) {
    const child = scope.store.get(id);
    if (child) children.push(child);
  }
  const rows = select(query, scope, children);
  // The REST API returns null, not an empty list, for a child relationship with no rows.
  if (rows.length === 0) return null;
  const records = rows.map((r) => shape(r, query, scope));
  return scope.pageChildren ? scope.pageChildren(records) : { totalSize: rows.length, done: true, records };
}

function aggregate(query: CompiledQuery, matches: SObjectRecord[]): JsonRecord {
  const out: JsonRecord = { attributes: { type: 'AggregateResult', url: '' } };
  query.selectors.forEach((selector, i) => {
    if (selector.kind !== 'count') return;
    const path = selector.path;
    const name = selector.alias === 'expr0' ? `expr${i}` : selector.alias;
    out[name] = path ? matches.filter((r) => r[path.field.name] !== null).length : matches.length;
  });
  return out;
}

/** One column of a query's `columns=true` description (what `sf data query` reads to lay out its table). */
export interface QueryColumn {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: QueryColumn[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

/** `GET /query?q=…&columns=true`: the query's columns, parents and child subqueries nested as joinColumns. */
export function describeQueryColumns(soql: string, scope: QueryScope): Record<string, unknown> {
  const query = compileText(soql, scope);
  return {
    columnMetadata: columnsOf(query, ''),
    entityName: query.sobject,
    groupBy: false,
    idSelected: query.selectors.some(
      (s) => s.kind === 'path' && s.path.hops.length === 0 && s.path.field.name === 'Id',
    ),
    keyPrefix: scope.schema.object(query.sobject).keyPrefix,
  };
}

function column(name: string, displayName: string, extra: Partial<QueryColumn> = {}): QueryColumn {
  return {
    aggregate: false,
    apexType: null,
    booleanType: false,
    columnName: name,
    custom: false,
    displayName,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    numberType: false,
    textType: false,
    updatable: false,
    ...extra,
  };
}

function columnsOf(query: CompiledQuery, prefix: string): QueryColumn[] {
  const columns: QueryColumn[] = [];
  query.selectors.forEach((selector, i) => {
    if (selector.kind === 'count') {
      columns.push(
        column(selector.alias === 'COUNT()' ? `expr${i}` : selector.alias, 'COUNT()', {
          aggregate: true,
          numberType: true,
          apexType: 'Integer',
        }),
      );
    } else if (selector.kind === 'child') {
      const name = selector.relationship.relationshipName;
      columns.push(column(name, name, { aggregate: true, joinColumns: columnsOf(selector.query, '') }));
    } else {
      let siblings = columns;
      let display = prefix;
      for (const hop of selector.path.hops) {
        const name = hop.relationshipName ?? hop.name;
        display = display ? `${display}.${name}` : name;
        let parent = siblings.find((c) => c.columnName === name && !c.aggregate);
        if (!parent) siblings.push((parent = column(name, display, { foreignKeyName: hop.name })));
        siblings = parent.joinColumns;
      }
      const field = selector.path.field;
      const numeric = ['int', 'double', 'currency', 'percent'].includes(field.type);
      siblings.push(
        column(field.name, display ? `${display}.${field.name}` : field.name, {
          custom: field.custom,
          insertable: field.createable,
          updatable: field.updateable,
          booleanType: field.type === 'boolean',
          numberType: numeric,
          textType: !numeric && field.type !== 'boolean' && field.type !== 'date' && field.type !== 'datetime',
          apexType:
            field.type === 'reference' || field.type === 'id'
              ? 'Id'
              : numeric
                ? 'Decimal'
                : field.type === 'boolean'
                  ? 'Boolean'
                  : field.type === 'date'
                    ? 'Date'
                    : field.type === 'datetime'
                      ? 'Datetime'
                      : 'String',
        }),
      );
    }
  });
  return columns;
}
