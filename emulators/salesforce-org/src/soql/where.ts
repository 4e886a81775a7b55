/**
 * WHERE clauses compiled to predicates. The parser gives a flat chain of conditions with parenthesis
 * counts; it is re-read here as tokens with SOQL's grammar: NOT binds tightest, and AND and OR may not
 * be mixed without parentheses (Salesforce rejects `a AND b OR c`). Literals are checked against the
 * field's type the way Salesforce checks them (a date field takes a date, not a quoted string).
 */
import type { Condition, Query, ValueQueryCondition, WhereClause } from '@jetstreamapp/soql-parser-js';
import { isSalesforceId, toId18 } from '../ids.js';
import { parseDate, type CalendarDate } from '../dates.js';
import { SalesforceApiError, malformedQuery } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';
import type { FieldDef } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { FieldValue, SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import { dateLiteralRange, dayNumber, type DayRange } from './dateLiterals.js';
import { candidateRecords, pathLookup, unionLookup, type IndexLookup } from './lookup.js';
import { readPath, resolvePath, type FieldPath } from './paths.js';
import type { QueryScope } from './scope.js';

export type Predicate = (record: SObjectRecord) => boolean;

export interface CompiledWhere {
  readonly predicate: Predicate;
  /** Narrows the records to test (every match is among the records it finds); undefined means scan. */
  readonly lookup: IndexLookup | undefined;
}

/** A compiled operand of the WHERE clause: its predicate and, when indexable, the lookup that covers its matches. */
interface Clause {
  readonly predicate: Predicate;
  readonly lookup?: IndexLookup | undefined;
}

type Token =
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'not' }
  | { kind: 'and' }
  | { kind: 'or' }
  | { kind: 'cond'; condition: Condition | ValueQueryCondition };

export function compileWhere(
  where: WhereClause | undefined,
  sobject: string,
  scope: QueryScope,
  alias?: string,
): CompiledWhere {
  if (!where) return { predicate: () => true, lookup: undefined };
  const tokens = tokenize(where);
  const { predicate, lookup } = new ConditionParser(tokens, (c) => compileCondition(c, sobject, scope, alias)).parse();
  return { predicate, lookup };
}

function tokenize(where: WhereClause): Token[] {
  const tokens: Token[] = [];
  let node = where as
    | { left: (Condition & { openParen?: number; closeParen?: number }) | null; operator?: string; right?: WhereClause }
    | undefined;
  while (node) {
    const left = node.left;
    if (node.operator === 'NOT' && (!left || !('field' in left || 'fn' in left))) {
      for (let i = 0; i < (left?.openParen ?? 0); i++) tokens.push({ kind: 'open' });
      tokens.push({ kind: 'not' });
      node = node.right as typeof node;
      continue;
    }
    if (left) {
      for (let i = 0; i < (left.openParen ?? 0); i++) tokens.push({ kind: 'open' });
      tokens.push({ kind: 'cond', condition: left });
      for (let i = 0; i < (left.closeParen ?? 0); i++) tokens.push({ kind: 'close' });
    }
    if (!node.operator) break;
    tokens.push({ kind: node.operator === 'AND' ? 'and' : node.operator === 'OR' ? 'or' : 'not' });
    node = node.right as typeof node;
  }
  return tokens;
}

/**
 * Recursive descent over the tokens: expr := unary ((AND unary)* | (OR unary)*). An AND is covered by
 * any one operand's lookup, an OR by the union of all of them; nothing under NOT is.
 */
class ConditionParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly compile: (condition: Condition | ValueQueryCondition) => Clause,
  ) {}

  parse(): Clause {
    const clause = this.expression();
    if (this.position < this.tokens.length) throw malformedQuery('unexpected token in WHERE clause');
    return clause;
  }

  private expression(): Clause {
    const operands = [this.unary()];
    let joiner: 'and' | 'or' | undefined;
    for (
      let token = this.tokens[this.position];
      token && (token.kind === 'and' || token.kind === 'or');
      token = this.tokens[this.position]
    ) {
      if (joiner && joiner !== token.kind)
        throw malformedQuery(
          `unexpected token: '${token.kind.toUpperCase()}' (use parentheses when mixing AND and OR)`,
        );
      joiner = token.kind;
      this.position++;
      operands.push(this.unary());
    }
    if (operands.length === 1) return operands[0] as Clause;
    const predicates = operands.map((o) => o.predicate);
    return joiner === 'and'
      ? { predicate: (r) => predicates.every((p) => p(r)), lookup: operands.find((o) => o.lookup)?.lookup }
      : { predicate: (r) => predicates.some((p) => p(r)), lookup: unionLookup(operands.map((o) => o.lookup)) };
  }

  private unary(): Clause {
    const token = this.tokens[this.position++];
    if (!token) throw malformedQuery('unexpected end of WHERE clause');
    if (token.kind === 'not') {
      const inner = this.unary().predicate;
      return { predicate: (r) => !inner(r) };
    }
    if (token.kind === 'open') {
      const inner = this.expression();
      if (this.tokens[this.position++]?.kind !== 'close')
        throw malformedQuery('unbalanced parentheses in WHERE clause');
      return inner;
    }
    if (token.kind !== 'cond') throw malformedQuery(`unexpected token: '${token.kind.toUpperCase()}'`);
    return this.compile(token.condition);
  }
}

function compileCondition(
  condition: Condition | ValueQueryCondition,
  sobject: string,
  scope: QueryScope,
  alias?: string,
): Clause {
  if (!('field' in condition) || typeof condition.field !== 'string')
    throw malformedQuery('functions in WHERE clauses are not supported by this org emulator');
  const path = resolvePath(scope.schema, sobject, condition.field, alias);
  // Compound fields are not filterable (Object Reference, "Compound Field Considerations and Limitations").
  if (path.field.type === 'address')
    throw new SalesforceApiError(
      400,
      'INVALID_FIELD',
      `field '${path.field.name}' can not be filtered in a query call`,
    );
  const read = (r: SObjectRecord): FieldValue => readPath(scope.store, r, path);
  const operator = condition.operator;

  if ('valueQuery' in condition && condition.valueQuery) {
    if (operator !== 'IN' && operator !== 'NOT IN') throw malformedQuery('a semi-join needs IN or NOT IN');
    const ids = semiJoinValues(condition.valueQuery, scope);
    return {
      predicate: (r) => (operator === 'IN') === ids.has(normalise(read(r))),
      lookup: operator === 'IN' ? pathLookup(sobject, path, ids) : undefined,
    };
  }
  const c = condition as { value: string | string[]; literalType?: string | string[] };
  const rawValues = Array.isArray(c.value) ? c.value : [c.value];
  const literalType = c.literalType;
  const types: string[] = Array.isArray(literalType) ? literalType : rawValues.map(() => literalType ?? 'STRING');
  const literals = rawValues.map((v, i) => literalFor(path, v, types[i] ?? 'STRING', scope.today));

  if (operator === 'IN' || operator === 'NOT IN') {
    if (literals.some((l) => l.kind === 'range')) throw malformedQuery('date literals are not allowed in IN lists');
    const wanted = new Set(literals.map((l) => (l.kind === 'value' ? comparable(path.field, l.value) : null)));
    const lookup = operator === 'IN' ? literalLookup(sobject, path, literals) : undefined;
    return { predicate: (r) => (operator === 'IN') === wanted.has(comparable(path.field, read(r))), lookup };
  }
  if (Array.isArray(c.value)) throw malformedQuery(`operator ${operator} takes a single value`);
  const literal = literals[0] as Literal;
  if (operator === 'LIKE') return { predicate: likePredicate(path, literal, read) };
  if (operator === 'INCLUDES' || operator === 'EXCLUDES')
    throw malformedQuery(`${operator} is supported only for multi-select picklists, which this org has none of`);
  if (literal.kind === 'range') return { predicate: (r) => inRange(path.field, read(r), literal.range, operator) };
  const wanted = comparable(path.field, literal.value);
  if (wanted === null && operator !== '=' && operator !== '!=')
    throw malformedQuery(`null can only be compared with = or !=`);
  const lookup = operator === '=' ? literalLookup(sobject, path, literals) : undefined;
  return { predicate: (r) => compare(comparable(path.field, read(r)), wanted, operator), lookup };
}

function literalLookup(sobject: string, path: FieldPath, literals: Literal[]): IndexLookup | undefined {
  return pathLookup(
    sobject,
    path,
    literals.map((l) => (l.kind === 'value' ? l.value : null)),
  );
}

function semiJoinValues(query: Query, scope: QueryScope): Set<FieldValue> {
  const fields = query.fields ?? [];
  const only = fields[0];
  if (fields.length !== 1 || !only || only.type !== 'Field')
    throw malformedQuery('a semi-join subquery must select exactly one Id field');
  const sobject = scope.schema.object(query.sObject ?? '').name;
  const path = resolvePath(scope.schema, sobject, only.field);
  if (path.field.type !== 'id' && path.field.type !== 'reference')
    throw malformedQuery('a semi-join subquery must select an Id or reference field');
  const where = compileWhere(query.where, sobject, scope);
  const values = new Set<FieldValue>();
  for (const record of candidateRecords(scope.store, sobject, where.lookup))
    if (where.predicate(record)) values.add(normalise(readPath(scope.store, record, path)));
  return values;
}

type Literal = { kind: 'value'; value: FieldValue } | { kind: 'range'; range: DayRange };

const typeWord: Partial<Record<FieldDef['type'], string>> = {
  date: 'date',
  datetime: 'dateTime',
  boolean: 'boolean',
  int: 'number',
  double: 'number',
  currency: 'number',
  percent: 'number',
};

/** Reads one literal in the type of the field it is compared with, or fails as Salesforce does. */
function literalFor(path: FieldPath, raw: string, literalType: string, today: CalendarDate): Literal {
  const field = path.field;
  const mismatch = (): SalesforceApiError =>
    new SalesforceApiError(
      400,
      'INVALID_FIELD',
      `value of filter criterion for field '${path.canonical}' must be of type ${typeWord[field.type] ?? 'string'} and should ${literalType === 'STRING' ? 'not ' : ''}be enclosed in quotes`,
    );
  switch (literalType) {
    case 'NULL':
      return { kind: 'value', value: null };
    case 'STRING': {
      if (typeWord[field.type]) throw mismatch();
      const text = raw.startsWith("'") ? unescapeString(raw.slice(1, -1)) : raw;
      if ((field.type === 'id' || field.type === 'reference') && !isSalesforceId(text)) {
        throw new SalesforceApiError(400, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${text}`);
      }
      return { kind: 'value', value: field.type === 'id' || field.type === 'reference' ? toId18(text) : text };
    }
    case 'BOOLEAN':
      if (field.type !== 'boolean') throw mismatch();
      return { kind: 'value', value: raw.toUpperCase() === 'TRUE' };
    case 'INTEGER':
    case 'DECIMAL':
      if (typeWord[field.type] !== 'number') throw mismatch();
      return { kind: 'value', value: Number(raw) };
    case 'DATE':
      if (field.type !== 'date') throw mismatch();
      if (!parseDate(raw))
        throw malformedQuery(`value of filter criterion for field '${path.canonical}' is not a valid date: ${raw}`);
      return { kind: 'value', value: raw };
    case 'DATETIME':
      if (field.type !== 'datetime') throw mismatch();
      return { kind: 'value', value: Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) };
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL':
      if (field.type !== 'date' && field.type !== 'datetime') throw mismatch();
      return { kind: 'range', range: dateLiteralRange(raw, today) };
    default:
      throw malformedQuery(`${literalType} literals are not supported by this org emulator`);
  }
}

function unescapeString(text: string): string {
  return text.replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[ch] ?? ch);
}

/** Values in a form `===`/`<` compare as Salesforce does: text case-insensitive, datetimes as epoch ms. */
function comparable(field: FieldDef, value: FieldValue): FieldValue {
  if (value === null) return null;
  switch (field.type) {
    case 'datetime':
      return typeof value === 'number' ? value : Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    case 'id':
    case 'reference':
      return normalise(value);
    case 'string':
    case 'textarea':
    case 'picklist':
    case 'email':
    case 'phone':
    case 'url':
      return String(value).toLowerCase();
    default:
      return value;
  }
}

function normalise(value: FieldValue): FieldValue {
  return typeof value === 'string' && isSalesforceId(value) ? toId18(value) : value;
}

function compare(actual: FieldValue, wanted: FieldValue, operator: string): boolean {
  switch (operator) {
    case '=':
      return actual === wanted;
    case '!=':
      return actual !== wanted;
  }
  if (actual === null || wanted === null) return false;
  switch (operator) {
    case '<':
      return actual < wanted;
    case '<=':
      return actual <= wanted;
    case '>':
      return actual > wanted;
    case '>=':
      return actual >= wanted;
    default:
      throw malformedQuery(`unexpected operator: ${operator}`);
  }
}

function inRange(field: FieldDef, value: FieldValue, range: DayRange, operator: string): boolean {
  if (value === null) return operator === '!=';
  const day =
    field.type === 'date'
      ? dayNumber(parseDate(String(value)) as CalendarDate)
      : Math.floor((comparable(field, value) as number) / 86_400_000);
  switch (operator) {
    case '=':
      return day >= range.start && day < range.end;
    case '!=':
      return day < range.start || day >= range.end;
    case '<':
      return day < range.start;
    case '<=':
      return day < range.end;
    case '>':
      return day >= range.end;
    case '>=':
      return day >= range.start;
    default:
      throw malformedQuery(`operator ${operator} cannot be used with a date literal`);
  }
}

function likePredicate(path: FieldPath, literal: Literal, read: (r: SObjectRecord) => FieldValue): Predicate {
  const textTypes = ['string', 'textarea', 'picklist', 'email', 'phone', 'url', 'id', 'reference'];
  if (!textTypes.includes(path.field.type) || literal.kind !== 'value' || typeof literal.value !== 'string') {
    throw new SalesforceApiError(
      400,
      'INVALID_FIELD',
      `invalid operator on field '${path.canonical}': LIKE works on text fields only`,
    );
  }
  const pattern = literal.value.replace(/\\[%_]|[%_]|[.*+?^${}()|[\]\\]/g, (m) =>
    m === '%' ? '.*' : m === '_' ? '.' : m.length === 2 && m.startsWith('\\') ? `\\${m[1]}` : `\\${m}`,
  );
  const regex = new RegExp(`^${pattern}$`, 'is');
  return (r) => {
    const value = read(r);
    return value !== null && regex.test(String(value));
  };
}
