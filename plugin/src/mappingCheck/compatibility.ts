/**
 * Whether the value a mapping produces fits the Stripe parameter it lands in. The parameter's kinds
 * come from the catalogue; a few paths are transformed by the core before Stripe sees them and get
 * its own rules: payment terms → `days_until_due` (§2.6.6), billing frequency → `interval_count`,
 * billing type → `usage_type` (§2.4), the quote start date → `start_date`.
 */
import { SyncError } from '../core/errors.js';
import { METADATA_LIMITS } from '../core/mappings/metadata.js';
import { daysUntilDue } from '../core/newOrders/paymentTerms.js';
import { BILLING_FREQUENCY_MONTHS } from '../core/pricing/prices.js';
import type { MappingKey } from '../core/mappings/mappings.js';
import type { ParamSpec } from '../stripe/params/index.js';
import type { FieldDescribe } from './orgSchema.js';
import type { Severity } from './problems.js';

export interface Finding {
  readonly severity: Severity;
  readonly message: string;
  readonly fix: string;
}

/** What a Salesforce field holds, as far as Stripe cares. */
type ValueKind = 'text' | 'picklist' | 'number' | 'boolean' | 'date' | 'datetime';

function valueKind(field: FieldDescribe): ValueKind {
  switch (field.type) {
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'picklist':
      return 'picklist';
    default:
      return 'text';
  }
}

export interface MappingTarget {
  readonly key: MappingKey;
  /** Stripe path without the termination prefix. */
  readonly path: string;
  readonly spec: ParamSpec;
  /** A key below a map (metadata). */
  readonly mapKey: boolean;
  readonly dueOnReceiptAsZeroDays: boolean;
}

/** Allowed text for a core-transformed path, and the reading it is checked with. */
interface TransformedPath {
  readonly describe: string;
  /** The problem with one value, or undefined when the core accepts it. */
  problem(value: string): string | undefined;
  readonly acceptsNumbers: boolean;
  readonly fix: string;
}

function transformedPath(target: MappingTarget): TransformedPath | undefined {
  const last = target.path.split('.').pop();
  if (last === 'days_until_due') {
    return {
      describe: 'a payment term',
      acceptsNumbers: true,
      problem: (value) => {
        try {
          daysUntilDue(value, { type: 'Order', id: '' }, target.path, target.dueOnReceiptAsZeroDays);
          return undefined;
        } catch (error) {
          if (error instanceof SyncError) return error.message;
          throw error;
        }
      },
      fix: 'Map days_until_due to a number field or a payment-term picklist whose values are integers or Net 15, 30, 45, 60 or 90.',
    };
  }
  if (target.path === 'recurring.interval_count') {
    const names = Object.keys(BILLING_FREQUENCY_MONTHS);
    return {
      describe: 'a CPQ billing frequency',
      acceptsNumbers: true,
      problem: (value) =>
        names.includes(value.trim()) || /^[1-9]\d*$/.test(value.trim())
          ? undefined
          : `"${value}" is not a supported CPQ Billing Frequency.`,
      fix: `Map a number of months or a picklist of ${names.join(', ')}.`,
    };
  }
  if (target.path === 'recurring.usage_type') {
    const values = ['Advance', 'Arrears', 'licensed', 'metered'];
    return {
      describe: 'a CPQ billing type',
      acceptsNumbers: false,
      problem: (value) =>
        values.includes(value.trim()) ? undefined : `"${value}" is not a supported CPQ Product Billing Type.`,
      fix: 'Map a picklist of Advance and Arrears (or licensed and metered).',
    };
  }
  return undefined;
}

/**
 * A picklist none of whose values fit is the wrong field (error); one with some values that fail only
 * fails the records holding them (warning; the order preflight names those records).
 */
const picklistSeverity = (bad: readonly unknown[], all: readonly unknown[]): Severity =>
  bad.length === all.length ? 'error' : 'warning';
/** The schedule's start date: the one date the core converts (the quote start date, spec §2.2). */
const isScheduleStart = (target: MappingTarget): boolean =>
  target.key === 'subscription_schedule' && target.path === 'start_date';
const finding = (severity: Severity, message: string, fix: string): Finding => ({ severity, message, fix });
const isTimestamp = (path: string): boolean =>
  /(^|\.)(start_date|end_date|trial_end|cancel_at|billing_cycle_anchor|due_date|effective_at|redeem_by)$/.test(path);

/** Problems with mapping the Salesforce `field` into `target`. */
export function fieldCompatibility(field: FieldDescribe, target: MappingTarget): Finding[] {
  const kind = valueKind(field);
  const { spec, path } = target;
  const kinds = spec.kinds;
  const picklist = (field.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value);
  const special = transformedPath(target);
  const name = `${field.name} (${field.type})`;

  if (special) {
    if (kind === 'number' && special.acceptsNumbers) return [];
    if (kind === 'picklist') {
      const bad = picklist.map((v) => special.problem(v)).filter((p): p is string => p !== undefined);
      return bad.length === 0
        ? []
        : [
            finding(
              picklistSeverity(bad, picklist),
              `${name} has picklist values the sync rejects for ${path}: ${bad.join(' ')}`,
              special.fix,
            ),
          ];
    }
    return [finding('error', `${name} cannot be read as ${special.describe} for ${path}.`, special.fix)];
  }
  if (target.mapKey) {
    const long = (field.length ?? 0) > METADATA_LIMITS.valueLength || field.type === 'textarea';
    return long
      ? [
          finding(
            'warning',
            `${name} can hold more than ${METADATA_LIMITS.valueLength} characters; Stripe rejects longer metadata values.`,
            'Map a shorter field, or keep the values under 500 characters.',
          ),
        ]
      : [];
  }
  if (isScheduleStart(target)) {
    return kind === 'date'
      ? []
      : [
          finding(
            'error',
            `${name} is not a date; start_date needs the subscription's first day.`,
            'Map start_date to a Date field such as SBQQ__Quote__c.SBQQ__StartDate__c.',
          ),
        ];
  }
  if (kind === 'date' || kind === 'datetime') {
    if (kinds.includes('string')) return [];
    const why = isTimestamp(path) ? 'a Unix timestamp' : kinds.join(' or ');
    return [
      finding(
        'error',
        `${name} is a ${kind}, but ${path} takes ${why}; the sync converts a date only for the schedule’s start_date.`,
        `Map ${path} to a number field holding ${why}, or remove the mapping.`,
      ),
    ];
  }
  if (!kinds.some((k) => ['string', 'number', 'decimal', 'boolean', 'enum'].includes(k))) {
    return [
      finding('error', `${path} is an object, not a value.`, `Map its fields instead, for example ${path}.<field>.`),
    ];
  }
  if (kinds.includes('string')) return [];
  if (kinds.includes('enum')) {
    const allowed = spec.values ?? [];
    if (kind === 'picklist') {
      const bad = picklist.filter((v) => !allowed.includes(v));
      return bad.length === 0
        ? []
        : [
            finding(
              picklistSeverity(bad, picklist),
              `${name} has picklist values Stripe rejects for ${path}: ${bad.join(', ')}.`,
              `Use only ${allowed.join(', ')} as values.`,
            ),
          ];
    }
    if (kind === 'text')
      return [
        finding(
          'warning',
          `${name} is free text; Stripe accepts only ${allowed.join(', ')} for ${path}.`,
          `Use a picklist of ${allowed.join(', ')}, or a static value.`,
        ),
      ];
  }
  if (kinds.includes('number') || kinds.includes('decimal')) {
    if (kind === 'number') return [];
    return [
      finding(
        'error',
        `${name} is not a number, but ${path} is numeric.`,
        `Map ${path} to a Number, Currency or Percent field.`,
      ),
    ];
  }
  if (kinds.includes('boolean')) {
    if (kind === 'boolean') return [];
    if (kind === 'text' || kind === 'picklist')
      return [
        finding(
          'warning',
          `${name} is read as true/false text for ${path}; any other value fails the sync.`,
          `Map ${path} to a Checkbox field.`,
        ),
      ];
    return [finding('error', `${name} cannot be a true/false value for ${path}.`, `Map ${path} to a Checkbox field.`)];
  }
  return [
    finding(
      'error',
      `${name} does not fit ${path} (${kinds.join(', ')}).`,
      `Map ${path} to a field of a matching type.`,
    ),
  ];
}

/** Problems with the static value (always text in custom metadata) for `target`. */
export function staticValueCompatibility(value: string, target: MappingTarget): Finding[] {
  const { spec, path } = target;
  const special = transformedPath(target);
  if (special) {
    const problem = special.problem(value);
    return problem ? [finding('error', `The static value for ${path} is rejected: ${problem}`, special.fix)] : [];
  }
  if (target.mapKey) {
    return value.length > METADATA_LIMITS.valueLength
      ? [
          finding(
            'error',
            `The static metadata value for ${path} is ${value.length} characters; Stripe allows ${METADATA_LIMITS.valueLength}.`,
            'Shorten the static value.',
          ),
        ]
      : [];
  }
  const text = value.trim();
  const kinds = spec.kinds;
  if (isScheduleStart(target)) {
    return /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? []
      : [
          finding(
            'error',
            `The static value "${value}" for start_date is not a date (YYYY-MM-DD).`,
            'Use a date such as 2030-01-01, or map start_date to a Date field.',
          ),
        ];
  }
  if (isTimestamp(path) && !/^\d+$/.test(text) && !(spec.values ?? []).includes(text)) {
    return [
      finding(
        'error',
        `The static value "${value}" for ${path} is not a Unix timestamp.`,
        `Remove the static value and map ${path} to a field.`,
      ),
    ];
  }
  if (kinds.includes('string')) return [];
  if (kinds.includes('enum') && (spec.values ?? []).includes(text)) return [];
  if ((kinds.includes('number') || kinds.includes('decimal')) && text !== '' && Number.isFinite(Number(text)))
    return [];
  if (kinds.includes('boolean') && /^(true|false)$/i.test(text)) return [];
  const expected = [
    ...(spec.values ?? []),
    ...kinds.filter((k) => !['enum', 'empty', 'null', 'object', 'array', 'map'].includes(k)).map((k) => `a ${k}`),
  ];
  return [
    finding(
      'error',
      `The static value "${value}" does not fit ${path}.`,
      expected.length > 0 ? `Use ${expected.join(', ')}.` : `${path} is an object: set its fields instead.`,
    ),
  ];
}
