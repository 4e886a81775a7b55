/**
 * A subset of Stripe's search query language (docs.stripe.com/search#search-query-language): clauses
 * `field:'value'`, `metadata['key']:'value'`, `field~'substring'`, numeric `field>n` / `<` / `>=` / `<=`,
 * `-` to negate, joined by all-AND or all-OR (Stripe refuses to mix them).
 */
import { invalidRequest } from './errors.js';

export interface SearchClause {
  readonly field: string[];
  readonly op: ':' | '~' | '>' | '<' | '>=' | '<=';
  readonly value: string;
  readonly negated: boolean;
}

export interface SearchQuery {
  readonly join: 'AND' | 'OR';
  readonly clauses: readonly SearchClause[];
}

const CLAUSE =
  /^\s*(-?)([a-z_]+(?:\.[a-z_]+)*|metadata\[(?:'([^']*)'|"([^"]*)")\])\s*(>=|<=|:|~|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?|null))\s*/i;

export function parseSearchQuery(text: string): SearchQuery {
  if (!text.trim())
    throw invalidRequest('Missing required param: query.', { code: 'parameter_missing', param: 'query' });
  const clauses: SearchClause[] = [];
  const joins = new Set<'AND' | 'OR'>();
  let rest = text;
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (!match) throw invalidSearch(text, rest);
    const [whole, negation, name, singleKey, doubleKey, op, single, double, bare] = match;
    const key = singleKey ?? doubleKey;
    clauses.push({
      field: key !== undefined ? ['metadata', key] : (name ?? '').split('.'),
      op: op as SearchClause['op'],
      value: single ?? double ?? bare ?? '',
      negated: negation === '-',
    });
    rest = rest.slice(whole.length);
    if (!rest) break;
    const join = /^(AND|OR)\s+/i.exec(rest);
    if (!join?.[1]) throw invalidSearch(text, rest);
    joins.add(join[1].toUpperCase() as 'AND' | 'OR');
    rest = rest.slice(join[0].length);
  }
  if (joins.size > 1) throw invalidRequest(`Search query cannot mix AND and OR: ${text}`, { param: 'query' });
  return { join: joins.has('OR') ? 'OR' : 'AND', clauses };
}

function invalidSearch(text: string, at: string): Error {
  return invalidRequest(`Invalid search query: ${text} (could not parse from "${at}")`, {
    code: 'parameter_invalid',
    param: 'query',
  });
}

export function matchesSearch(query: SearchQuery, object: Record<string, unknown>): boolean {
  const results = query.clauses.map((clause) => matchesClause(clause, object) !== clause.negated);
  return query.join === 'AND' ? results.every(Boolean) : results.some(Boolean);
}

function matchesClause(clause: SearchClause, object: Record<string, unknown>): boolean {
  let value: unknown = object;
  for (const part of clause.field)
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  if (clause.value === 'null' && clause.op === ':') return value === null || value === undefined;
  if (value === null || value === undefined) return false;
  const text = typeof value === 'object' ? String((value as { id?: unknown }).id ?? '') : String(value);
  switch (clause.op) {
    case ':':
      return text === clause.value;
    case '~':
      return text.toLowerCase().includes(clause.value.toLowerCase());
    case '>':
      return Number(text) > Number(clause.value);
    case '<':
      return Number(text) < Number(clause.value);
    case '>=':
      return Number(text) >= Number(clause.value);
    case '<=':
      return Number(text) <= Number(clause.value);
  }
}
