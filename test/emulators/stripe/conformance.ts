// Checks every answer the Stripe emulator gives against Stripe's own definitions: the JSON schemas generated
// from stripe-node's resource types (plugin/src/stripe/params/responses.generated.json). A missing
// always-present property, a wrong type, an unknown property or a wrong enum value is a failure. Lists and
// search results are checked as envelopes (`object`, `url`, `has_more`, `data`) and item by item; an event's
// `data.object` is checked as the object it carries.
//
// It also counts, per route, the answers served and validated and the invalid requests tried and refused, for
// the table in the emulator's README (`node scripts/stripeEmulatorConformance.mjs`).
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import responseSchemas from '../../../plugin/src/stripe/params/responses.generated.json' with { type: 'json' };
import type { ApiExchange } from '@stripe-cpq/stripe-emulator';
import { routeList } from '@stripe-cpq/stripe-emulator/routes.js';

export interface RouteCounts {
  served: number;
  validated: number;
  invalidTried: number;
  invalidRefused: number;
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(responseSchemas, 'stripe');
const validators = new Map<string, ValidateFunction>();

function validatorFor(definition: string): ValidateFunction {
  let validate = validators.get(definition);
  if (!validate) {
    validate = ajv.compile({ $ref: `stripe#/definitions/${definition}` });
    validators.set(definition, validate);
  }
  return validate;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is wrong with a 2xx answer, as `path: problem` lines (none when it is what Stripe would send). */
export function responseProblems(body: unknown, at = ''): string[] {
  if (!isObject(body)) return [`${at || '/'}: not a JSON object`];
  if (body.object === 'list' || body.object === 'search_result') return envelopeProblems(body, at);
  const candidates = (responseSchemas.objects as Record<string, string[]>)[String(body.object)];
  if (!candidates) return [`${at || '/'}: object '${String(body.object)}' is not one the emulator may serve`];
  const deleted = body.deleted === true;
  const definition = candidates.find((name) => name.startsWith('Deleted') === deleted) ?? candidates[0] ?? '';
  const validate = validatorFor(definition);
  const problems = validate(body)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${at}${e.instancePath || '/'} (${definition}): ${e.message ?? ''}${describeParams(e.params)}`,
      );
  if (body.object === 'event' && isObject(body.data))
    problems.push(...responseProblems(body.data.object, `${at}/data/object`));
  return problems;
}

function envelopeProblems(body: Json, at: string): string[] {
  const keys =
    body.object === 'list' ? ['data', 'has_more', 'object', 'url'] : ['data', 'has_more', 'next_page', 'object', 'url'];
  const problems: string[] = [];
  const present = Object.keys(body).filter((k) => k !== 'total_count');
  for (const key of keys) if (!(key in body)) problems.push(`${at}/${key}: missing from the ${String(body.object)}`);
  for (const key of present)
    if (!keys.includes(key)) problems.push(`${at}/${key}: not a property of a ${String(body.object)}`);
  if (typeof body.url !== 'string') problems.push(`${at}/url: must be a string`);
  if (typeof body.has_more !== 'boolean') problems.push(`${at}/has_more: must be a boolean`);
  if (!Array.isArray(body.data)) return [...problems, `${at}/data: must be an array`];
  body.data.forEach((item, i) => problems.push(...responseProblems(item, `${at}/data/${i}`)));
  return problems;
}

function describeParams(params: Record<string, unknown>): string {
  const detail = params.additionalProperty ?? params.allowedValues ?? params.missingProperty ?? params.type;
  return detail === undefined ? '' : ` (${JSON.stringify(detail)})`;
}

/** Stripe's error body: `{ error: { type, message, code?, param?, doc_url?, decline_code?, request_log_url? } }`. */
export function errorProblems(body: unknown): string[] {
  const error = isObject(body) ? body.error : undefined;
  if (!isObject(error)) return ['/error: missing'];
  const allowed = ['code', 'decline_code', 'doc_url', 'message', 'param', 'request_log_url', 'type'];
  const problems = Object.keys(error)
    .filter((k) => !allowed.includes(k))
    .map((k) => `/error/${k}: not a property of a Stripe error`);
  if (typeof error.type !== 'string' || typeof error.message !== 'string')
    problems.push('/error: type and message must be strings');
  return problems;
}

/** Collects every answer of one emulator; `takeFailures` hands over the problems found since it was last called. */
export class ConformanceRecorder {
  readonly counts = new Map<string, RouteCounts>();
  private failures: string[] = [];

  readonly listener = (exchange: ApiExchange): void => {
    if (exchange.status >= 400) {
      const problems = errorProblems(exchange.body);
      if (problems.length > 0)
        this.failures.push(`${exchange.route} → ${exchange.status}:\n  ${problems.join('\n  ')}`);
      return;
    }
    const counts = this.countsOf(exchange.route);
    counts.served += 1;
    const problems = responseProblems(exchange.body);
    if (problems.length === 0) counts.validated += 1;
    else
      this.failures.push(`${exchange.route} answered what Stripe would not:\n  ${problems.slice(0, 40).join('\n  ')}`);
  };

  /** An invalid request tried on `route`, and whether the emulator refused it as Stripe does. */
  recordInvalid(route: string, refusedAsStripeDoes: boolean): void {
    const counts = this.countsOf(route);
    counts.invalidTried += 1;
    if (refusedAsStripeDoes) counts.invalidRefused += 1;
  }

  takeFailures(): string[] {
    const failures = this.failures;
    this.failures = [];
    return failures;
  }

  /** With STRIPE_CONFORMANCE_DIR set, writes the counts there (the README table script adds them up). */
  save(): void {
    const dir = process.env.STRIPE_CONFORMANCE_DIR;
    if (!dir || this.counts.size === 0) return;
    for (const route of routeList()) this.countsOf(route); // routes no test reached show as 0 / 0
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${randomUUID()}.json`), JSON.stringify(Object.fromEntries(this.counts)));
  }

  private countsOf(route: string): RouteCounts {
    let counts = this.counts.get(route);
    if (!counts) {
      counts = { served: 0, validated: 0, invalidTried: 0, invalidRefused: 0 };
      this.counts.set(route, counts);
    }
    return counts;
  }
}
