/**
 * SOQL built only from validated pieces: record Ids checked against Salesforce's Id format, string
 * values escaped as SOQL string literals, field lists taken from the core's record models. Anything
 * else is refused with an error naming the value.
 */
import { isSalesforceId } from '../core/records/salesforceIds.js';

/** `'<id>'` for a valid 15/18-character Salesforce Id; throws otherwise. */
export function soqlId(id: string): string {
  if (!isSalesforceId(id)) throw new Error(`'${id}' is not a Salesforce record Id; refusing to put it in a query.`);
  return `'${id}'`;
}

/** `('<id>', …)` of distinct valid Ids. */
export function soqlIdList(ids: Iterable<string>): string {
  return `(${[...new Set(ids)].map(soqlId).join(', ')})`;
}

/** A SOQL string literal: backslash, quotes and control characters escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' })[c] ?? `\\${c}`)}'`;
}

/** `('<value>', …)`: string literals for an IN list. */
export function soqlStringList(values: Iterable<string>): string {
  return `(${[...values].map(soqlString).join(', ')})`;
}

/** A datetime literal (unquoted ISO form SOQL expects). */
export function soqlDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Field names, each checked to be a (dotted) API name. */
export function soqlFields(fields: Iterable<string>, prefix = ''): string {
  return [...new Set(fields)]
    .map((field) => {
      if (!FIELD_NAME.test(field))
        throw new Error(`'${field}' is not a field API name; refusing to put it in a query.`);
      return `${prefix}${field}`;
    })
    .join(', ');
}
