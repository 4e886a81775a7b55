/**
 * Semantic comparison, object by object, of what the reference connector sent to Stripe with what the
 * product sent — both already in the version-neutral form of stripeVersion.ts — and of how a recorded
 * failure ended (error class on the same record).
 */
import type { NeutralCall } from './stripeVersion.ts';

export interface Difference {
  /** `price.create[1]`, `subscription_schedule.update[0]`, `error` … */
  readonly object: string;
  /** Dot path inside it (`phases[0].items[1].quantity`), `*` for a whole call sent by one side only. */
  readonly field: string;
  readonly reference: string;
  readonly product: string;
}

/** Creates of these are compared as sets (their order in a run is not part of the semantics). */
const UNORDERED = new Set(['customer.create', 'product.create', 'price.create', 'coupon.create', 'test_clocks.create']);

export function compareCalls(reference: readonly NeutralCall[], product: readonly NeutralCall[]): Difference[] {
  const names = [...new Set([...reference, ...product].map((c) => c.object))];
  const differences: Difference[] = [];
  for (const name of names) {
    const theirs = reference.filter((c) => c.object === name).map((c) => c.fields);
    const ours = product.filter((c) => c.object === name).map((c) => c.fields);
    const pairs = UNORDERED.has(name) ? closestPairs(theirs, ours) : inOrder(theirs, ours);
    pairs.forEach(([r, p], i) => {
      const object = `${name}[${i}]`;
      if (!r || !p)
        differences.push({
          object,
          field: '*',
          reference: r ? stable(r) : 'not sent',
          product: p ? stable(p) : 'not sent',
        });
      else differences.push(...diffFields(object, flatten(r), flatten(p)));
    });
  }
  return differences;
}

type Fields = Record<string, unknown>;
type Pair = readonly [Fields | undefined, Fields | undefined];

/** The n-th call of each side together (schedule updates, cancels: their order is their meaning). */
function inOrder(theirs: Fields[], ours: Fields[]): Pair[] {
  return Array.from({ length: Math.max(theirs.length, ours.length) }, (_, i) => [theirs[i], ours[i]] as const);
}

/**
 * Reference and product objects paired closest first (fewest differing fields, ties in call order), so one
 * object the product does not create cannot pull every later pairing off by one; then what is left.
 */
function closestPairs(theirs: Fields[], ours: Fields[]): Pair[] {
  const candidates = theirs
    .flatMap((r, i) => ours.map((p, j) => ({ i, j, distance: diffFields('', flatten(r), flatten(p)).length })))
    .sort((a, b) => a.distance - b.distance || a.i - b.i || a.j - b.j);
  const partner = new Map<number, number>();
  const taken = new Set<number>();
  for (const { i, j } of candidates) {
    if (partner.has(i) || taken.has(j)) continue;
    partner.set(i, j);
    taken.add(j);
  }
  const pairs: Pair[] = theirs.map((r, i) => [r, partner.has(i) ? ours[partner.get(i)!] : undefined] as const);
  return [...pairs, ...ours.filter((_, j) => !taken.has(j)).map((p) => [undefined, p] as const)];
}

export interface RecordedError {
  readonly recordId: string;
  readonly type: string;
  readonly message: string;
}

export interface ProductError extends RecordedError {
  readonly kind: string;
}

/** The reference's error classes, from its Sync Record messages (spec §2.10 wording). */
export function errorClass(message: string): string {
  if (/^(Data Error: )?The following required fields are missing/.test(message)) return 'missing_fields';
  if (/^Stripe (error occurred|Error)/i.test(message)) return 'stripe';
  if (message.startsWith('Data Error:')) return 'data';
  if (message.startsWith('Connector Error:')) return 'connector';
  return 'bare';
}

/** Each recorded failure must end, in the product, with an error of the same class on the same record. */
export function compareErrors(recorded: readonly RecordedError[], product: readonly ProductError[]): Difference[] {
  const differences: Difference[] = [];
  const same = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);
  for (const r of recorded) {
    const ours = product.filter((p) => same(p.recordId, r.recordId));
    const classes = ours.map((p) => p.kind);
    if (!classes.includes(errorClass(r.message)))
      differences.push({
        object: `error on ${r.type}`,
        field: 'class',
        reference: `${errorClass(r.message)}: ${r.message}`,
        product: ours.length ? ours.map((p) => `${p.kind}: ${p.message}`).join(' / ') : 'no error',
      });
  }
  for (const p of product) {
    if (!recorded.some((r) => same(p.recordId, r.recordId)))
      differences.push({
        object: `error on ${p.type}`,
        field: 'class',
        reference: 'no error',
        product: `${p.kind}: ${p.message}`,
      });
  }
  return differences;
}

function diffFields(object: string, r: Map<string, string>, p: Map<string, string>): Difference[] {
  const out: Difference[] = [];
  for (const field of [...new Set([...r.keys(), ...p.keys()])].sort()) {
    const a = r.get(field);
    const b = p.get(field);
    if (a !== b) out.push({ object, field, reference: a ?? 'absent', product: b ?? 'absent' });
  }
  return out;
}

/** `{a: {b: [x]}}` → `a.b[0]` → x, leaves as strings (form encoding is untyped). */
function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, String(value));
  return out;
}

/** JSON with sorted keys: one text per semantic value. */
export function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return String(value);
}
