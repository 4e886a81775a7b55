/**
 * Stripe's metadata limits (50 keys, 40-character keys without brackets, 500-character values) for
 * each Stripe object, counting the keys the product adds itself (spec §2.13: `salesforce_<object>_id`
 * and `_link`, plus the flags the core may set on that object) — so a mapping that would push an
 * object over the limit is found before any sync.
 */
import type { MappingKey } from '../core/mappings/mappings.js';
import { flagMetadata, METADATA_LIMITS, recordMetadata, type MetadataContext } from '../core/mappings/metadata.js';
import type { Finding } from './compatibility.js';

interface MetadataBudget {
  readonly label: string;
  /** Mapping keys whose `metadata.*` paths land on this object. */
  readonly keys: readonly MappingKey[];
  /** The Salesforce object behind `salesforce_<name>_id/_link`. */
  readonly sobject: string;
  /** Flags the core may add (without prefix), and the literal MDQ keys. */
  readonly flags: readonly string[];
  readonly literal?: readonly string[];
}

/** Where the core puts metadata (customers.ts, products.ts, prices.ts, schedule.ts, lines.ts, oneTimeInvoice.ts, coupons.ts). */
const BUDGETS: readonly MetadataBudget[] = [
  { label: 'customer', keys: ['customer'], sobject: 'Account', flags: [] },
  { label: 'product', keys: ['product'], sobject: 'Product2', flags: [] },
  {
    label: 'price (price book entry)',
    keys: ['price'],
    sobject: 'PricebookEntry',
    flags: ['duplicate', 'auto_archive', 'original_stripe_price_id', 'proration', 'backend_proration'],
  },
  {
    label: 'price (order line)',
    keys: ['price_order_item'],
    sobject: 'OrderItem',
    flags: ['duplicate', 'auto_archive', 'original_stripe_price_id', 'proration', 'backend_proration'],
  },
  { label: 'subscription schedule', keys: ['subscription_schedule'], sobject: 'Order', flags: [] },
  {
    label: 'schedule phase',
    keys: ['subscription_schedule', 'subscription_phase'],
    sobject: 'Order',
    flags: ['backend_proration', 'effective_termination_date'],
    literal: ['salesforce_segment_index', 'salesforce_segment_label'],
  },
  {
    label: 'subscription item',
    keys: ['subscription_item'],
    sobject: 'OrderItem',
    flags: ['proration', 'credit', 'backend_proration'],
    literal: ['salesforce_segment_key'],
  },
  { label: 'invoice', keys: ['invoice'], sobject: 'Order', flags: ['proration_invoice'] },
  { label: 'coupon', keys: ['coupon'], sobject: 'Quote_Stripe_Coupon__c', flags: [] },
];

/** The ordinary prefix (`salesforce_`): a sandbox writing to live Stripe uses longer keys but as many. */
const CONTEXT: MetadataContext = { instanceUrl: 'https://example.my.salesforce.com', sandbox: false, livemode: false };

/** The keys the product itself writes on the object. */
export function productMetadataKeys(budget: MetadataBudget): string[] {
  return [
    ...Object.keys(recordMetadata({ type: budget.sobject, id: '000000000000000AAA' }, CONTEXT)),
    ...Object.keys(flagMetadata(CONTEXT, ...budget.flags)),
    ...(budget.literal ?? []),
  ];
}

export interface MappedMetadataKey {
  readonly key: MappingKey;
  /** The metadata key (after `metadata.`). */
  readonly name: string;
  /** The mapping record that sets it. */
  readonly record: string;
}

export interface BudgetFinding extends Finding {
  readonly record: string;
}

/** A user metadata key's own problems: length, brackets, and clashing with a key the product writes. */
export function metadataKeyFindings(name: string, key: MappingKey): Finding[] {
  const findings: Finding[] = [];
  if (name.length > METADATA_LIMITS.keyLength)
    findings.push({
      severity: 'error',
      message: `The metadata key "${name}" is ${name.length} characters; Stripe allows ${METADATA_LIMITS.keyLength}.`,
      fix: 'Shorten the key after metadata.',
    });
  if (/[[\]]/.test(name))
    findings.push({
      severity: 'error',
      message: `The metadata key "${name}" contains square brackets, which Stripe does not allow.`,
      fix: 'Remove [ and ] from the key.',
    });
  const reserved = BUDGETS.filter((b) => b.keys.includes(key)).some((b) => productMetadataKeys(b).includes(name));
  if (reserved)
    findings.push({
      severity: 'error',
      message: `The metadata key "${name}" is one the product writes itself; the mapping would overwrite it.`,
      fix: 'Choose another key name (keys starting with salesforce_ are the product’s).',
    });
  return findings;
}

/** Objects whose product keys plus mapped keys exceed Stripe's 50, reported on the record that crosses it. */
export function metadataBudgetFindings(mapped: readonly MappedMetadataKey[]): BudgetFinding[] {
  return BUDGETS.flatMap((budget) => {
    const own = productMetadataKeys(budget);
    const names = new Map<string, string>();
    for (const m of mapped) if (budget.keys.includes(m.key) && !names.has(m.name)) names.set(m.name, m.record);
    const total = own.length + names.size;
    if (total <= METADATA_LIMITS.keys) return [];
    const crossing = [...names.values()][METADATA_LIMITS.keys - own.length] ?? '';
    return [
      {
        severity: 'error' as const,
        record: crossing,
        message: `The Stripe ${budget.label} would get up to ${total} metadata keys (${own.length} written by the product, ${names.size} mapped); Stripe allows ${METADATA_LIMITS.keys}.`,
        fix: `Remove or deactivate at least ${total - METADATA_LIMITS.keys} metadata mapping(s) of ${budget.keys.join(' and ')}.`,
      },
    ];
  });
}
