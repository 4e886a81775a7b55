/**
 * Writes Stripe's own definitions for the pinned API version, read from stripe-node's TypeScript types (which
 * Stripe generates from its OpenAPI spec for that version), the closest local source of "what Stripe does":
 * - catalogue.generated.json: every parameter path the param types accept (`PriceCreateParams` →
 *   `recurring.interval`, `tiers[].up_to`, …) for the resources the product uses, with whether it is required,
 *   its kinds, for enums its values, and for strings the `maxLength` Stripe's published OpenAPI spec gives
 *   (the SDK's types carry no lengths; see stripeOpenApiSpecPath);
 * - responses.generated.json: a JSON schema of every object the Stripe emulator answers with (responses.ts).
 *
 * Run: `npm run generate:stripe-params` (tests check the committed files equal a fresh generation).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import ts from 'typescript';
import type { ParamKind, ParamsCatalogue, ParamSpec } from '../src/stripe/params/index.js';

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

const MAX_DEPTH = 8;

export function stripePackageDir(): string {
  // The package's exports map hides package.json; its main entry sits at <dir>/cjs/stripe.cjs.node.js.
  const main = createRequire(import.meta.url).resolve('stripe');
  return dirname(dirname(main));
}

export function generateCatalogue(
  stripeDir = stripePackageDir(),
  specPath = stripeOpenApiSpecPath(stripeDir),
): ParamsCatalogue {
  const resourcesDir = join(stripeDir, 'cjs', 'resources');
  const files = CATALOGUED_RESOURCES.map((r) => join(resourcesDir, `${r}.d.ts`));
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const params: ParamsCatalogue['params'] = {};

  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`stripe-node types not found: ${file}`);
    const namespace = dirname(relative(resourcesDir, file))
      .split('/')
      .filter((p) => p !== '.')
      .join('.');
    for (const declaration of paramsInterfaces(source, namespace)) {
      const name = namespace ? `${namespace}.${declaration.name.text}` : declaration.name.text;
      const paths: Record<string, ParamSpec> = {};
      describeProperties(checker, checker.getTypeAtLocation(declaration.name), '', paths, 0);
      params[name] = sortKeys(paths);
    }
  }
  addMaxLengths(params, specPath);
  return { ...stripeVersions(stripeDir), params: sortKeys(params) };
}

/** The API version stripe-node pins and its own version. */
export function stripeVersions(stripeDir = stripePackageDir()): { apiVersion: string; stripeNodeVersion: string } {
  const pkg = JSON.parse(readFileSync(join(stripeDir, 'package.json'), 'utf8')) as { version: string };
  const apiVersion = /ApiVersion = '([^']+)'/.exec(readFileSync(join(stripeDir, 'cjs', 'apiVersion.js'), 'utf8'))?.[1];
  if (!apiVersion) throw new Error('Cannot read the pinned API version from stripe-node');
  return { apiVersion, stripeNodeVersion: pkg.version };
}

export function generateResponses(stripeDir = stripePackageDir()): ResponseSchemas {
  return generateResponseSchemas(stripeDir, stripeVersions(stripeDir));
}

/** `interface XParams` at the top of the file, or inside `namespace Billing { … }` for resources in a sub-folder. */
function paramsInterfaces(source: ts.SourceFile, namespace: string): ts.InterfaceDeclaration[] {
  const statements = namespace
    ? source.statements.flatMap((s) =>
        ts.isModuleDeclaration(s) && s.name.text === namespace && s.body && ts.isModuleBlock(s.body)
          ? [...s.body.statements]
          : [],
      )
    : [...source.statements];
  return statements.filter(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text.endsWith('Params'),
  );
}

function describeProperties(
  checker: ts.TypeChecker,
  type: ts.Type,
  prefix: string,
  out: Record<string, ParamSpec>,
  depth: number,
): void {
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration) continue;
    const path = prefix ? `${prefix}.${property.name}` : property.name;
    const spec = describeValue(checker, checker.getTypeOfSymbolAtLocation(property, declaration), path, out, depth);
    out[path] = property.flags & ts.SymbolFlags.Optional ? spec : { required: true, ...spec };
  }
}

/** Kinds of one value type; nested object and array element paths are written to `out` on the way. */
function describeValue(
  checker: ts.TypeChecker,
  type: ts.Type,
  path: string,
  out: Record<string, ParamSpec>,
  depth: number,
): ParamSpec {
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
    } else if (checker.getPropertiesOfType(part).length === 0 && checker.getIndexInfosOfType(part).length > 0)
      kinds.add('map');
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

// ---- maxLength from Stripe's OpenAPI spec ----

/**
 * The `maxLength` of string parameters, from Stripe's published OpenAPI spec. stripe-node's types carry no
 * lengths, and the newest complete spec available locally (`reference/stripe-openapi/`, 2023-08-16, copied from the shared reference) is
 * older than the pinned API version: lengths change rarely, so they are taken from it for the parameters it
 * knows, and parameters it does not know get none.
 */

/** The OpenAPI operation (`method path`) of each params type whose strings have lengths worth checking. */
export const OPENAPI_OPERATIONS: Record<string, string> = {
  CouponCreateParams: 'post /v1/coupons',
  CouponUpdateParams: 'post /v1/coupons/{coupon}',
  CustomerCreateParams: 'post /v1/customers',
  CustomerUpdateParams: 'post /v1/customers/{customer}',
  InvoiceCreateParams: 'post /v1/invoices',
  InvoiceFinalizeInvoiceParams: 'post /v1/invoices/{invoice}/finalize',
  InvoiceItemCreateParams: 'post /v1/invoiceitems',
  InvoicePayParams: 'post /v1/invoices/{invoice}/pay',
  InvoiceUpdateParams: 'post /v1/invoices/{invoice}',
  PriceCreateParams: 'post /v1/prices',
  PriceUpdateParams: 'post /v1/prices/{price}',
  ProductCreateParams: 'post /v1/products',
  ProductUpdateParams: 'post /v1/products/{id}',
  SubscriptionCreateParams: 'post /v1/subscriptions',
  SubscriptionScheduleCreateParams: 'post /v1/subscription_schedules',
  SubscriptionScheduleUpdateParams: 'post /v1/subscription_schedules/{schedule}',
  SubscriptionUpdateParams: 'post /v1/subscriptions/{subscription_exposed_id}',
  'TestHelpers.TestClockCreateParams': 'post /v1/test_helpers/test_clocks',
  WebhookEndpointCreateParams: 'post /v1/webhook_endpoints',
  WebhookEndpointUpdateParams: 'post /v1/webhook_endpoints/{webhook_endpoint}',
};

const SPEC_FILE = join('reference', 'stripe-openapi', 'spec3.2023-08-16.json.gz');

/** `STRIPE_OPENAPI_SPEC`, else the repository's copy (`reference/stripe-openapi/…`, found above `from`). */
export function stripeOpenApiSpecPath(from: string): string {
  if (process.env.STRIPE_OPENAPI_SPEC) return process.env.STRIPE_OPENAPI_SPEC;
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, SPEC_FILE))) return join(dir, SPEC_FILE);
    if (dirname(dir) === dir)
      throw new Error(`Stripe's OpenAPI spec not found above ${from} (${SPEC_FILE}); set STRIPE_OPENAPI_SPEC`);
  }
}

interface Schema {
  $ref?: string;
  type?: string;
  maxLength?: number;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

interface Spec {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

/** Adds `maxLength` to the string paths of the catalogued params types the spec knows. */
export function addMaxLengths(params: Record<string, Record<string, ParamSpec>>, specPath: string): void {
  const raw = readFileSync(specPath);
  const spec = JSON.parse((specPath.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Spec;
  for (const [type, operation] of Object.entries(OPENAPI_OPERATIONS)) {
    const [method = '', path = ''] = operation.split(' ');
    const body = spec.paths[path]?.[method]?.requestBody?.content['application/x-www-form-urlencoded']?.schema;
    if (!body) throw new Error(`The OpenAPI spec has no form body for ${operation} (${type})`);
    for (const [paramPath, paramSpec] of Object.entries(params[type] ?? {})) {
      if (!paramSpec.kinds.includes('string')) continue;
      const maxLength = lengthAt(spec, body, paramPath.replaceAll('[]', '.[]').split('.'));
      if (maxLength !== undefined) paramSpec.maxLength = maxLength;
    }
  }
}

/** The maxLength of the string at `segments` below `schema` (`[]` = an array's items), if the spec gives one. */
function lengthAt(spec: Spec, schema: Schema | undefined, segments: readonly string[]): number | undefined {
  const branches = resolve(spec, schema);
  const [head, ...rest] = segments;
  if (head === undefined) return branches.find((b) => b.type === 'string' && b.maxLength !== undefined)?.maxLength;
  for (const branch of branches) {
    const next = head === '[]' ? branch.items : branch.properties?.[head];
    if (next) return lengthAt(spec, next, rest);
  }
  return undefined;
}

/** A schema's alternatives, with `$ref`s followed and `anyOf`s flattened. */
function resolve(spec: Spec, schema: Schema | undefined): Schema[] {
  if (!schema) return [];
  if (schema.$ref) return resolve(spec, spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  if (schema.anyOf) return schema.anyOf.flatMap((s) => resolve(spec, s));
  return [schema];
}

// ---- Response schemas ----

/**
 * JSON schemas (draft-07) of the objects Stripe answers with, read from stripe-node's resource types (`Customer`,
 * `Invoice`, …, generated by Stripe from its OpenAPI spec for the pinned API version). A property the type
 * declares non-optional is required (Stripe always returns it, `null` where the type allows); no other property is
 * allowed; string literal unions are enums; `string | Customer` (an expandable field) is an id or the object.
 *
 * Named interfaces become `definitions`; a top-level resource the emulator does not serve (`Account`,
 * `PaymentMethod`, …) is only ever an id in its answers, so its expanded form is left open (`{ type: object }`).
 */

/** The resources the emulator answers with: file under cjs/resources → interfaces it declares. */
export const SERVED_RESOURCES: Record<string, readonly string[]> = {
  'Billing/Meters': ['Meter'],
  Coupons: ['Coupon', 'DeletedCoupon'],
  Customers: ['Customer', 'DeletedCustomer'],
  Discounts: ['Discount'],
  Events: ['EventBase'],
  InvoiceItems: ['InvoiceItem', 'DeletedInvoiceItem'],
  InvoiceLineItems: ['InvoiceLineItem'],
  Invoices: ['Invoice'],
  Prices: ['Price'],
  Products: ['Product', 'DeletedProduct'],
  SubscriptionItems: ['SubscriptionItem'],
  SubscriptionSchedules: ['SubscriptionSchedule'],
  Subscriptions: ['Subscription'],
  'TestHelpers/TestClocks': ['TestClock', 'DeletedTestClock'],
  WebhookEndpoints: ['WebhookEndpoint', 'DeletedWebhookEndpoint'],
};

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: (string | number | boolean | null)[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  not?: JsonSchema;
  description?: string;
}

export interface ResponseSchemas {
  apiVersion: string;
  stripeNodeVersion: string;
  /** Each served object's `object` value → the definitions answering with it (`customer` → Customer, DeletedCustomer). */
  objects: Record<string, string[]>;
  definitions: Record<string, JsonSchema>;
}

const MAX_SCHEMA_DEPTH = 12;

export function generateResponseSchemas(
  stripeDir: string,
  versions: Pick<ResponseSchemas, 'apiVersion' | 'stripeNodeVersion'>,
): ResponseSchemas {
  const resourcesDir = join(stripeDir, 'cjs', 'resources');
  const files = Object.keys(SERVED_RESOURCES).map((r) => join(resourcesDir, `${r}.d.ts`));
  // strictNullChecks keeps `| null` in the types: it is what tells "Stripe sends null" from "always a value".
  const program = ts.createProgram(files, {
    noEmit: true,
    skipLibCheck: true,
    strictNullChecks: true,
    target: ts.ScriptTarget.ES2022,
  });
  const walker = new SchemaWalker(program.getTypeChecker());
  const objects: Record<string, string[]> = {};
  for (const [resource, names] of Object.entries(SERVED_RESOURCES)) {
    const source = program.getSourceFile(join(resourcesDir, `${resource}.d.ts`));
    if (!source) throw new Error(`stripe-node types not found: ${resource}`);
    for (const name of names) {
      const declaration = source.statements.find(
        (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
      );
      if (!declaration) throw new Error(`No interface ${name} in ${resource}.d.ts`);
      const type = walker.checker.getTypeAtLocation(declaration.name);
      walker.served.add(type.symbol);
      const objectValue = walker.objectLiteral(type);
      if (!objectValue) throw new Error(`${name} has no \`object\` literal`);
      (objects[objectValue] ??= []).push(name);
    }
  }
  for (const symbol of walker.served) walker.reference(walker.checker.getDeclaredTypeOfSymbol(symbol), 0);
  return { ...versions, objects: sortKeys(objects), definitions: sortKeys(walker.definitions) };
}

class SchemaWalker {
  readonly served = new Set<ts.Symbol>();
  readonly definitions: Record<string, JsonSchema> = {};
  private readonly names = new Map<string, ts.Symbol>();
  readonly checker: ts.TypeChecker;

  constructor(checker: ts.TypeChecker) {
    this.checker = checker;
  }

  /** The `object` property's string literal (`'customer'`), when the type has one. */
  objectLiteral(type: ts.Type): string | undefined {
    const property = type.getProperty('object');
    const declaration = property?.valueDeclaration ?? property?.declarations?.[0];
    if (!property || !declaration) return undefined;
    const valueType = this.checker.getTypeOfSymbolAtLocation(property, declaration);
    return valueType.isStringLiteral() ? valueType.value : undefined;
  }

  /** A `$ref` to the named interface's definition, written on first use. */
  reference(type: ts.Type, depth: number): JsonSchema {
    const symbol = type.aliasSymbol ?? type.symbol;
    const name = this.nameOf(symbol);
    const ref = { $ref: `#/definitions/${name}` };
    if (this.definitions[name]) return ref;
    this.definitions[name] = {}; // a placeholder, so recursive types end
    this.definitions[name] = this.objectSchema(type, depth + 1);
    return ref;
  }

  private nameOf(symbol: ts.Symbol): string {
    // "/…/cjs/resources/Customers".Customer.InvoiceSettings → Customer.InvoiceSettings
    const name = this.checker.getFullyQualifiedName(symbol).replace(/^"[^"]*"\./, '');
    const holder = this.names.get(name);
    if (holder && holder !== symbol) throw new Error(`Two stripe-node types are both named ${name}`);
    this.names.set(name, symbol);
    return name;
  }

  private objectSchema(type: ts.Type, depth: number): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration) continue;
      properties[property.name] = this.valueSchema(
        this.checker.getTypeOfSymbolAtLocation(property, declaration),
        depth,
      );
      if (!(property.flags & ts.SymbolFlags.Optional)) required.push(property.name);
    }
    const index = this.checker.getIndexInfosOfType(type)[0];
    if (Object.keys(properties).length === 0) {
      // A map (`Metadata`), or an empty interface Stripe fills per case (`Event.Data.Object`).
      return { type: 'object', ...(index ? { additionalProperties: this.valueSchema(index.type, depth) } : {}) };
    }
    return { type: 'object', properties: sortKeys(properties), required: required.sort(), additionalProperties: false };
  }

  private valueSchema(type: ts.Type, depth: number): JsonSchema {
    if (depth > MAX_SCHEMA_DEPTH) return {};
    const options: JsonSchema[] = [];
    const literals: (string | number | boolean)[] = [];
    let nullable = false;
    let booleans = 0;
    let openString = false;
    for (const part of type.isUnion() ? type.types : [type]) {
      const flags = part.flags;
      if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
      if (flags & ts.TypeFlags.Null) nullable = true;
      else if (part.isStringLiteral() || part.isNumberLiteral()) literals.push(part.value);
      else if (flags & ts.TypeFlags.BooleanLiteral) {
        booleans++;
        literals.push(this.checker.typeToString(part) === 'true');
      } else if (flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) options.push({ type: 'string' });
      else if (flags & ts.TypeFlags.Number) options.push({ type: 'number' });
      else if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
      else if (part.isIntersection() && part.types.some((t) => t.flags & ts.TypeFlags.String)) openString = true;
      else if ((part.aliasSymbol ?? part.symbol)?.name === 'Decimal')
        options.push({ type: 'string' }); // sent as a decimal string
      else if (this.checker.isArrayType(part)) {
        const element = this.checker.getTypeArguments(part as ts.TypeReference)[0];
        options.push({ type: 'array', items: element ? this.valueSchema(element, depth + 1) : {} });
      } else if (flags & ts.TypeFlags.Object) options.push(this.objectValue(part, depth));
    }
    if (booleans === 2) {
      options.push({ type: 'boolean' });
      literals.splice(0, literals.length, ...literals.filter((l) => typeof l !== 'boolean'));
    }
    if (literals.length > 0) options.push({ enum: [...new Set(literals)].sort() });
    // As for params: OtherString (`string & {}`) beside literals only lets integrations tolerate values added
    // later; the literals are what the pinned version documents. Alone, it is a string.
    else if (openString) options.push({ type: 'string' });
    if (nullable) options.push({ type: 'null' });
    if (options.length === 0) return { not: {} }; // `deleted?: void`: never present
    return options.length === 1 ? (options[0] ?? {}) : { anyOf: options };
  }

  /** An interface by reference (a resource not served: left open), an anonymous object type inline. */
  private objectValue(type: ts.Type, depth: number): JsonSchema {
    const symbol = type.aliasSymbol ?? type.symbol;
    const isInterface =
      symbol && symbol.flags & ts.SymbolFlags.Interface && !(type as ts.TypeReference).typeArguments?.length;
    if (!isInterface) return this.objectSchema(type, depth);
    const topLevel = this.nameOf(symbol).indexOf('.') < 0;
    if (topLevel && this.objectLiteral(type) && !this.served.has(symbol))
      return { type: 'object', description: `${symbol.name} (expanded; not served)` };
    return this.reference(type, depth);
  }
}

export const CATALOGUE_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '../src/stripe/params/catalogue.generated.json',
);

export const RESPONSES_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '../src/stripe/params/responses.generated.json',
);

/** Both generated files are written this way: one key per line, so a regeneration diffs readably. */
export function renderGenerated(content: ParamsCatalogue | ResponseSchemas): string {
  return `${JSON.stringify(content, null, 1)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const catalogue = generateCatalogue();
  writeFileSync(CATALOGUE_PATH, renderGenerated(catalogue));
  const count = Object.values(catalogue.params).reduce((n, paths) => n + Object.keys(paths).length, 0);
  console.log(`Wrote ${Object.keys(catalogue.params).length} params types, ${count} paths → ${CATALOGUE_PATH}`);
  const responses = generateResponses();
  writeFileSync(RESPONSES_PATH, renderGenerated(responses));
  console.log(`Wrote ${Object.keys(responses.definitions).length} response definitions → ${RESPONSES_PATH}`);
}
