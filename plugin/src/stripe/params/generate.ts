/**
 * Writes catalogue.generated.json: every parameter path stripe-node's own TypeScript param types accept
 * (`PriceCreateParams` → `recurring.interval`, `tiers[].up_to`, …) for the resources the product uses, with
 * whether it is required, its kinds and, for enums, its values. The SDK's types are generated from Stripe's
 * OpenAPI spec for the pinned API version, so this is the closest local source of "what Stripe accepts".
 *
 * Run: `npm run generate:stripe-params` (a test checks the committed file equals a fresh generation).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The stripe-node resources (files under cjs/resources) whose params the product sends. */
export const CATALOGUED_RESOURCES = [
  'Billing/MeterEvents',
  'Billing/Meters',
  'Coupons',
  'Customers',
  'Events',
  'InvoiceItems',
  'Invoices',
  'Prices',
  'Products',
  'SubscriptionItems',
  'SubscriptionSchedules',
  'Subscriptions',
  'TestHelpers/TestClocks',
  'WebhookEndpoints',
] as const;

export type ParamKind = 'string' | 'number' | 'boolean' | 'decimal' | 'enum' | 'object' | 'array' | 'map' | 'empty' | 'null';

export interface ParamSpec {
  /** Present (true) when the SDK type declares the property required. */
  required?: true;
  /** What the value may be; `empty` means `''` is accepted to unset it (stripe-node's `Emptyable`). */
  kinds: ParamKind[];
  /** Literal string values, when the type lists them. */
  values?: string[];
}

export interface ParamsCatalogue {
  apiVersion: string;
  stripeNodeVersion: string;
  /** Params type name (`PriceCreateParams`, `Billing.MeterCreateParams`) → path → spec. */
  params: Record<string, Record<string, ParamSpec>>;
}

const MAX_DEPTH = 8;

export function stripePackageDir(): string {
  // The package's exports map hides package.json; its main entry sits at <dir>/cjs/stripe.cjs.node.js.
  const main = createRequire(import.meta.url).resolve('stripe');
  return dirname(dirname(main));
}

export function generateCatalogue(stripeDir = stripePackageDir()): ParamsCatalogue {
  const resourcesDir = join(stripeDir, 'cjs', 'resources');
  const files = CATALOGUED_RESOURCES.map((r) => join(resourcesDir, `${r}.d.ts`));
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const params: ParamsCatalogue['params'] = {};

  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`stripe-node types not found: ${file}`);
    const namespace = dirname(relative(resourcesDir, file)).split('/').filter((p) => p !== '.').join('.');
    for (const declaration of paramsInterfaces(source, namespace)) {
      const name = namespace ? `${namespace}.${declaration.name.text}` : declaration.name.text;
      const paths: Record<string, ParamSpec> = {};
      describeProperties(checker, checker.getTypeAtLocation(declaration.name), '', paths, 0);
      params[name] = sortKeys(paths);
    }
  }
  const pkg = JSON.parse(readFileSync(join(stripeDir, 'package.json'), 'utf8')) as { version: string };
  const apiVersion = /ApiVersion = '([^']+)'/.exec(readFileSync(join(stripeDir, 'cjs', 'apiVersion.js'), 'utf8'))?.[1];
  if (!apiVersion) throw new Error('Cannot read the pinned API version from stripe-node');
  return { apiVersion, stripeNodeVersion: pkg.version, params: sortKeys(params) };
}

/** `interface XParams` at the top of the file, or inside `namespace Billing { … }` for resources in a sub-folder. */
function paramsInterfaces(source: ts.SourceFile, namespace: string): ts.InterfaceDeclaration[] {
  const statements = namespace
    ? source.statements.flatMap((s) =>
        ts.isModuleDeclaration(s) && s.name.text === namespace && s.body && ts.isModuleBlock(s.body) ? [...s.body.statements] : [],
      )
    : [...source.statements];
  return statements.filter((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text.endsWith('Params'));
}

function describeProperties(checker: ts.TypeChecker, type: ts.Type, prefix: string, out: Record<string, ParamSpec>, depth: number): void {
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration) continue;
    const path = prefix ? `${prefix}.${property.name}` : property.name;
    const spec = describeValue(checker, checker.getTypeOfSymbolAtLocation(property, declaration), path, out, depth);
    out[path] = property.flags & ts.SymbolFlags.Optional ? spec : { required: true, ...spec };
  }
}

/** Kinds of one value type; nested object and array element paths are written to `out` on the way. */
function describeValue(checker: ts.TypeChecker, type: ts.Type, path: string, out: Record<string, ParamSpec>, depth: number): ParamSpec {
  const kinds = new Set<ParamKind>();
  const values: string[] = [];
  let openString = false;
  for (const part of type.isUnion() ? type.types : [type]) {
    const flags = part.flags;
    if (flags & ts.TypeFlags.Undefined) continue;
    if (flags & ts.TypeFlags.Null) kinds.add('null');
    else if (part.isStringLiteral()) {
      if (part.value === '') kinds.add('empty');
      else values.push(part.value);
    } else if (flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) kinds.add('string');
    else if (flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BigInt)) kinds.add('number');
    else if (flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) kinds.add('boolean');
    else if (isDecimal(checker, part)) kinds.add('decimal');
    else if (part.isIntersection() && part.types.some((t) => t.flags & ts.TypeFlags.String)) openString = true;
    else if (checker.isArrayType(part)) {
      kinds.add('array');
      const element = checker.getTypeArguments(part as ts.TypeReference)[0];
      if (element && depth < MAX_DEPTH) out[`${path}[]`] = describeValue(checker, element, `${path}[]`, out, depth + 1);
    } else if (checker.getPropertiesOfType(part).length === 0 && checker.getIndexInfosOfType(part).length > 0) kinds.add('map');
    else if (flags & ts.TypeFlags.Object) {
      kinds.add('object');
      if (depth < MAX_DEPTH) describeProperties(checker, part, path, out, depth + 1);
    }
  }
  // stripe-node joins enum literals with `OtherString` (string & {}) only so integrations tolerate values
  // added later; the literals are what the pinned API version documents. Alone, OtherString is a string.
  if (values.length > 0 && !kinds.has('string')) kinds.add('enum');
  else if (openString) kinds.add('string');
  const spec: ParamSpec = { kinds: [...kinds].sort() };
  if (kinds.has('enum')) spec.values = [...new Set(values)].sort();
  return spec;
}

function isDecimal(checker: ts.TypeChecker, type: ts.Type): boolean {
  return (type.aliasSymbol?.name ?? checker.typeToString(type)) === 'Decimal';
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const CATALOGUE_PATH = join(dirname(fileURLToPath(import.meta.url)), 'catalogue.generated.json');

export function renderCatalogue(catalogue: ParamsCatalogue): string {
  return `${JSON.stringify(catalogue, null, 1)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const catalogue = generateCatalogue();
  writeFileSync(CATALOGUE_PATH, renderCatalogue(catalogue));
  const count = Object.values(catalogue.params).reduce((n, paths) => n + Object.keys(paths).length, 0);
  console.log(`Wrote ${Object.keys(catalogue.params).length} params types, ${count} paths → ${CATALOGUE_PATH}`);
}
