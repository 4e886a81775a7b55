/**
 * Checks decoded form params against the catalogue of stripe-node's param types, as Stripe's API does before
 * an endpoint runs: unknown parameters ("Received unknown parameter: recurring[intervl]"), missing required
 * ones, empty strings where a value cannot be unset, enum values, and the form's strings coerced to the
 * numbers and booleans the type declares. Also the cross-resource rules: metadata limits and decimals.
 */
import { Decimal } from 'decimal.js';
import {
  bracketPath,
  paramPaths,
  type ParamSpec,
  type ParamsTypeName,
} from 'plugin-stripe-cpq/lib/stripe/params/index.js';
import { invalidRequest, parameterInvalid, parameterMissing, parameterUnknown, type StripeApiError } from './errors.js';
import { modelledParams, type ModelledParams } from './modelledParams.js';

export type Params = Record<string, unknown>;

type Segments = (string | number)[];

/** Children of each catalogue path, per params type (built once, on first use). */
const childIndex = new Map<ParamsTypeName, Map<string, string[]>>();

function childrenOf(type: ParamsTypeName, path: string): string[] {
  let index = childIndex.get(type);
  if (!index) {
    index = new Map();
    for (const full of Object.keys(paramPaths(type))) {
      const [parent, name] = parentAndName(full);
      index.set(parent, [...(index.get(parent) ?? []), name]);
    }
    childIndex.set(type, index);
  }
  return index.get(path) ?? [];
}

/** `phases[].items` → [`phases[]`, `items`]; `phases[]` → [`phases`, `[]`]. */
function parentAndName(path: string): [string, string] {
  if (path.endsWith('[]')) return [path.slice(0, -2), '[]'];
  const dot = path.lastIndexOf('.');
  return dot < 0 ? ['', path] : [path.slice(0, dot), path.slice(dot + 1)];
}

/** Validated and coerced params; throws the StripeApiError Stripe would answer with. */
export function checkParams(type: ParamsTypeName, raw: Params): Params {
  return checkObject(type, raw, '', []);
}

/**
 * A parameter Stripe accepts but the emulator does not model (modelledParams.ts): refused, so that no test passes
 * on a value the emulator would have dropped.
 */
export function notModelled(param: string, detail = ''): StripeApiError {
  return parameterInvalid(
    param,
    `The Stripe emulator does not model \`${param}\`${detail}: Stripe would act on it, the emulator would drop it. Leave it out, or model it (emulators/stripe/modelledParams.ts).`,
  );
}

function checkObject(type: ParamsTypeName, raw: Params, path: string, display: Segments): Params {
  const known = new Set(childrenOf(type, path));
  const unknown = Object.keys(raw).filter((key) => !known.has(key));
  if (unknown.length > 0) throw parameterUnknown(unknown.map((key) => bracketPath([...display, key])));
  const modelled = modelledParams(type);
  const unmodelled = Object.keys(raw).find((key) => !modelled.reaches(path ? `${path}.${key}` : key));
  if (unmodelled !== undefined) throw notModelled(bracketPath([...display, unmodelled]));
  const out: Params = {};
  for (const [key, value] of Object.entries(raw)) {
    const childPath = path ? `${path}.${key}` : key;
    out[key] = checkValue(type, paramPaths(type)[childPath] ?? { kinds: [] }, value, childPath, [...display, key]);
  }
  for (const name of known) {
    if (paramPaths(type)[path ? `${path}.${name}` : name]?.required && out[name] === undefined) {
      throw parameterMissing(bracketPath([...display, name]));
    }
  }
  return out;
}

function checkValue(type: ParamsTypeName, spec: ParamSpec, value: unknown, path: string, display: Segments): unknown {
  const param = bracketPath(display);
  const kinds = spec.kinds;
  if (value === '') {
    if (kinds.includes('empty') || kinds.includes('null')) return '';
    throw invalidRequest(
      `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
      { code: 'parameter_invalid_empty', param },
    );
  }
  if (typeof value === 'string')
    return checkModelledValue(modelledParams(type), path, checkScalar(spec, value, param), param);
  if (Array.isArray(value) || (isRecord(value) && kinds.includes('array') && isIndexed(value))) {
    if (!kinds.includes('array')) throw parameterInvalid(param, `Invalid ${param}: must be ${describeKinds(spec)}`);
    const elementSpec = paramPaths(type)[`${path}[]`] ?? { kinds: [] };
    const elements = Array.isArray(value) ? value : Object.values(value as Params);
    return elements.map((element, i) => checkValue(type, elementSpec, element, `${path}[]`, [...display, i]));
  }
  if (isRecord(value)) {
    if (kinds.includes('map')) return checkMapValues(value, param);
    if (kinds.includes('object')) return checkObject(type, value, path, display);
    throw parameterInvalid(param, `Invalid ${param}: must be ${describeKinds(spec)}`);
  }
  return value;
}

/** A value of a path modelled only for some values (`proration_behavior=none`). */
function checkModelledValue(modelled: ModelledParams, path: string, value: unknown, param: string): unknown {
  const values = modelled.valuesOf(path);
  if (values && !values.includes(String(value)))
    throw notModelled(param, ` = ${String(value)} (only ${values.join(', ')})`);
  return value;
}

function checkScalar(spec: ParamSpec, value: string, param: string): unknown {
  const kinds = spec.kinds;
  if (spec.values?.includes(value)) return value;
  if (kinds.includes('number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (kinds.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if (kinds.includes('decimal') && /^-?\d+(\.\d+)?$/.test(value)) return value;
  if (kinds.includes('string')) return checkLength(spec, value, param);
  if (kinds.includes('enum')) {
    const values = spec.values ?? [];
    const listed = values.length > 1 ? `${values.slice(0, -1).join(', ')}, or ${values.at(-1) ?? ''}` : values.join('');
    throw parameterInvalid(param, `Invalid ${param}: must be one of ${listed}`, 'parameter_invalid');
  }
  if (kinds.includes('number')) throw parameterInvalid(param, `Invalid integer: ${value}`, 'parameter_invalid_integer');
  if (kinds.includes('boolean')) throw parameterInvalid(param, `Invalid boolean: ${value}`);
  if (kinds.includes('decimal')) throw parameterInvalid(param, `Invalid decimal: ${value}`);
  throw parameterInvalid(param, `Invalid ${param}: must be ${describeKinds(spec)}`);
}

/**
 * Stripe refuses a string longer than the `maxLength` its OpenAPI spec gives (customer `name` 256, coupon `name`
 * 40, `statement_descriptor` 22, most strings 5000), showing its first and last ten characters and the limit,
 * with no error code: "Invalid string: Lottery Re...iting line; must be at most 40 characters" (README sources).
 */
function checkLength(spec: ParamSpec, value: string, param: string): string {
  if (spec.maxLength === undefined || value.length <= spec.maxLength) return value;
  const shown = value.length > 20 ? `${value.slice(0, 10)}...${value.slice(-10)}` : value;
  throw invalidRequest(`Invalid string: ${shown}; must be at most ${spec.maxLength} characters`, { param });
}

function checkMapValues(value: Params, param: string): Params {
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string')
      throw parameterInvalid(`${param}[${key}]`, `Invalid value for ${param}[${key}]: must be a string`);
  }
  return value;
}

function describeKinds(spec: ParamSpec): string {
  return spec.kinds.filter((k) => k !== 'empty' && k !== 'null').join(' or ') || 'absent';
}

function isIndexed(value: Params): boolean {
  return Object.keys(value).every((k) => /^\d+$/.test(k));
}

export function isRecord(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** docs.stripe.com/metadata: up to 50 keys, keys ≤ 40 characters without square brackets, values ≤ 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/** Merges a metadata update (`''` unsets the whole map, a `''` value unsets one key) and checks the limits. */
export function applyMetadata(
  current: Record<string, string>,
  update: unknown,
  param = 'metadata',
): Record<string, string> {
  if (update === undefined) return current;
  if (update === '') return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(update as Record<string, string>)) {
    if (key.length > METADATA_LIMITS.keyLength || /[[\]]/.test(key)) {
      throw parameterInvalid(
        `${param}[${key}]`,
        `Metadata keys can have a maximum length of ${METADATA_LIMITS.keyLength} characters and cannot contain square brackets. Invalid key: '${key}'.`,
      );
    }
    if (value.length > METADATA_LIMITS.valueLength) {
      throw parameterInvalid(
        `${param}[${key}]`,
        `Metadata values can have a maximum length of ${METADATA_LIMITS.valueLength} characters.`,
      );
    }
    if (value === '') delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > METADATA_LIMITS.keys) {
    throw parameterInvalid(
      param,
      `Metadata can have a maximum of ${METADATA_LIMITS.keys} keys. You provided ${Object.keys(next).length}.`,
    );
  }
  return next;
}

/** docs.stripe.com/api/prices/create: `unit_amount_decimal` "with at most 12 decimal places". */
export const MAX_DECIMAL_PLACES = 12;

/** A decimal amount in minor units; `credit` admits a negative one where Stripe takes credits. */
export function checkDecimalAmount(value: string, param: string, credit = false): string {
  const amount = new Decimal(value);
  if (amount.isNegative() && !credit)
    throw parameterInvalid(param, `Invalid ${param}: must be greater than or equal to 0`);
  if (amount.decimalPlaces() > MAX_DECIMAL_PLACES) {
    throw parameterInvalid(
      param,
      `Invalid ${param}: must have at most ${MAX_DECIMAL_PLACES} decimal places (got ${value})`,
      'parameter_invalid_decimal',
    );
  }
  return amount.toFixed();
}

export function checkInteger(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw parameterInvalid(param, `Invalid integer: ${String(value)}`, 'parameter_invalid_integer');
  return value;
}

export function checkNonNegativeInteger(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw parameterInvalid(param, `Invalid non-negative integer: ${String(value)}`, 'parameter_invalid_integer');
  }
  return value;
}

export function checkPositiveInteger(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw parameterInvalid(param, `Invalid positive integer: ${String(value)}`, 'parameter_invalid_integer');
  }
  return value;
}

/** How a parameter is named in errors: `unit_amount` at the top, `phases[0][items][1][price_data][unit_amount]` inside. */
export type ParamName = (name: string) => string;

export const topLevel: ParamName = (name) => name;

export function nestedIn(parent: string): ParamName {
  return (name) => `${parent}${name.replace(/^([^[]+)/, '[$1]')}`;
}
