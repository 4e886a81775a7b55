/**
 * The subset of Salesforce's formula language that validation rules use (Formula Operators and
 * Functions reference): AND, OR, NOT, IF, ISBLANK, ISNULL, BLANKVALUE, ISNEW, ISCHANGED, PRIORVALUE,
 * ISPICKVAL, TEXT, LEN, the operators && || ! = == != <> < <= > >= + - * /, numbers, 'text', TRUE,
 * FALSE, NULL, and fields of the record itself. Percent fields read as fractions (20% → 0.2), as in
 * formulas. Anything else fails when the rule is loaded, naming what is unsupported.
 */
import type { FieldDef } from './schema.js';
import type { FieldValue, SObjectRecord } from './store.js';

export interface FormulaContext {
  readonly record: Readonly<SObjectRecord>;
  /** The record before this write; undefined on insert. */
  readonly previous: Readonly<SObjectRecord> | undefined;
}

type Value = FieldValue;
export type Formula = (context: FormulaContext) => Value;

const FUNCTIONS = new Set([
  'AND',
  'OR',
  'NOT',
  'IF',
  'ISBLANK',
  'ISNULL',
  'BLANKVALUE',
  'ISNEW',
  'ISCHANGED',
  'PRIORVALUE',
  'ISPICKVAL',
  'TEXT',
  'LEN',
]);
const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w.]*)|(&&|\|\||<=|>=|==|!=|<>|[-+*/<>=!(),]))/y;

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`unexpected character at ${start}: ${source.slice(start, start + 10)}`);
    if (m[1] !== undefined) tokens.push({ kind: 'number', value: Number(m[1]) });
    else if (m[2] !== undefined || m[3] !== undefined)
      tokens.push({ kind: 'string', value: (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1') });
    else if (m[4] !== undefined) tokens.push({ kind: 'name', value: m[4] });
    else tokens.push({ kind: 'op', value: m[5] as string });
  }
  return tokens;
}

const blank = (v: Value): boolean => v === null || v === '';
const truthy = (v: Value): boolean => v === true;

/** Compiles `source` for an object whose fields are looked up with `field` (undefined = unknown). */
export function compileFormula(source: string, field: (name: string) => FieldDef | undefined): Formula {
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isOp = (value: string): boolean => peek()?.kind === 'op' && peek()?.value === value;
  const expectOp = (value: string): void => {
    if (!isOp(value)) throw new Error(`expected '${value}' at token ${position}`);
    position++;
  };

  const fieldReader = (name: string): ((record: Readonly<SObjectRecord> | undefined) => Value) => {
    if (name.includes('.')) throw new Error(`cross-object reference ${name} is not supported`);
    const def = field(name);
    if (!def) throw new Error(`unknown field ${name}`);
    return (record) => {
      const value = record?.[def.name] ?? null;
      return def.type === 'percent' && typeof value === 'number' ? value / 100 : value;
    };
  };

  const call = (name: string): Formula => {
    expectOp('(');
    // PRIORVALUE and ISCHANGED take a field, not an expression.
    if (name === 'PRIORVALUE' || name === 'ISCHANGED') {
      const token = tokens[position++];
      if (token?.kind !== 'name') throw new Error(`${name} takes a field name`);
      const read = fieldReader(token.value);
      expectOp(')');
      return name === 'PRIORVALUE'
        ? (c) => read(c.previous)
        : (c) => c.previous !== undefined && read(c.previous) !== read(c.record);
    }
    const args: Formula[] = [];
    while (!isOp(')')) {
      args.push(or());
      if (!isOp(')')) expectOp(',');
    }
    expectOp(')');
    const arg = (i: number): Formula => {
      const f = args[i];
      if (!f) throw new Error(`${name} needs argument ${i + 1}`);
      return f;
    };
    switch (name) {
      case 'AND':
        return (c) => args.every((a) => truthy(a(c)));
      case 'OR':
        return (c) => args.some((a) => truthy(a(c)));
      case 'NOT':
        return (c) => !truthy(arg(0)(c));
      case 'IF':
        return (c) => (truthy(arg(0)(c)) ? arg(1)(c) : arg(2)(c));
      case 'ISBLANK':
      case 'ISNULL':
        return (c) => blank(arg(0)(c));
      case 'BLANKVALUE':
        return (c) => (blank(arg(0)(c)) ? arg(1)(c) : arg(0)(c));
      case 'ISNEW':
        return (c) => c.previous === undefined;
      case 'ISPICKVAL':
        return (c) => arg(0)(c) === arg(1)(c);
      case 'TEXT':
        return (c) => (arg(0)(c) === null ? '' : String(arg(0)(c)));
      case 'LEN':
        return (c) => String(arg(0)(c) ?? '').length;
      default:
        throw new Error(`function ${name} is not supported`);
    }
  };

  const primary = (): Formula => {
    const token = tokens[position++];
    if (!token) throw new Error('unexpected end of formula');
    if (token.kind === 'number' || token.kind === 'string') return () => token.value;
    if (token.kind === 'op') {
      if (token.value === '(') {
        const inner = or();
        expectOp(')');
        return inner;
      }
      if (token.value === '-') {
        const inner = primary();
        return (c) => -(inner(c) as number);
      }
      if (token.value === '!') {
        const inner = primary();
        return (c) => !truthy(inner(c));
      }
      throw new Error(`unexpected '${token.value}'`);
    }
    const upper = token.value.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return () => upper === 'TRUE';
    if (upper === 'NULL') return () => null;
    if (isOp('(')) {
      if (!FUNCTIONS.has(upper)) throw new Error(`function ${token.value} is not supported`);
      return call(upper);
    }
    const read = fieldReader(token.value);
    return (c) => read(c.record);
  };

  const binary = (next: () => Formula, ops: Record<string, (a: Value, b: Value) => Value>): (() => Formula) => {
    return () => {
      let left = next();
      while (peek()?.kind === 'op' && ops[peek()?.value as string]) {
        const op = ops[(tokens[position++] as Token).value as string] as (a: Value, b: Value) => Value;
        const l = left;
        const r = next();
        left = (c) => op(l(c), r(c));
      }
      return left;
    };
  };
  const arithmetic = (f: (a: number, b: number) => number) => (a: Value, b: Value) =>
    a === null || b === null ? null : f(Number(a), Number(b));
  const ordered = (f: (a: number | string, b: number | string) => boolean) => (a: Value, b: Value) =>
    a !== null && b !== null && f(a as number, b as number);
  const multiplicative = binary(primary, { '*': arithmetic((a, b) => a * b), '/': arithmetic((a, b) => a / b) });
  const additive = binary(multiplicative, { '+': arithmetic((a, b) => a + b), '-': arithmetic((a, b) => a - b) });
  const equal = (a: Value, b: Value): boolean => (blank(a) && blank(b)) || a === b;
  const comparison = binary(additive, {
    '<': ordered((a, b) => a < b),
    '<=': ordered((a, b) => a <= b),
    '>': ordered((a, b) => a > b),
    '>=': ordered((a, b) => a >= b),
    '=': equal,
    '==': equal,
    '!=': (a, b) => !equal(a, b),
    '<>': (a, b) => !equal(a, b),
  });
  const and = binary(comparison, { '&&': (a, b) => truthy(a) && truthy(b) });
  const or = binary(and, { '||': (a, b) => truthy(a) || truthy(b) });

  const formula = or();
  if (position < tokens.length)
    throw new Error(`unexpected token ${JSON.stringify((tokens[position] as Token).value)}`);
  return formula;
}
