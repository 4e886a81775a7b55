/**
 * Order lines → planned lines (spec §2.5 step 5.3–5.4): activation and skip checks, the
 * `subscription_item` mappings (required `quantity ← Quantity`), integer quantities, the line's price,
 * and the phase item / invoice item params Stripe gets for it. Every line's problems are collected.
 */
import { decimalQuantity } from '../documentedErrors.js';
import type Stripe from 'stripe';
import type { PlanningContext } from '../plan/context.js';
import { SyncError, type RecordRef } from '../errors.js';
import { applyMappings, toNestedParams, type MappedFields } from '../mappings/mappings.js';
import {
  mappedMetadata,
  metadataPaths,
  metadataProblems,
  recordMetadata,
  type Metadata,
} from '../mappings/metadata.js';
import type { OrderItem } from '../records/models.js';
import { planOrderItemPrice, type LinePrice, type PriceTerms } from '../pricing/prices.js';
import { recordRef } from '../records/records.js';

export type PhaseItem = Stripe.SubscriptionScheduleCreateParams.Phase.Item;
export type AddInvoiceItem = Stripe.SubscriptionScheduleCreateParams.Phase.AddInvoiceItem;
export type Discounts = Stripe.SubscriptionScheduleCreateParams.Phase.Item.Discount[];

/** One order line ready for Stripe. */
export interface PlannedLine {
  readonly item: OrderItem;
  readonly ref: RecordRef;
  readonly price: LinePrice;
  /** Undefined for metered lines (Stripe takes no quantity for them). */
  readonly quantity: number | undefined;
  /** `subscription_item` mappings, for params beyond price and quantity. */
  readonly itemFields: MappedFields;
  readonly metadata: Metadata;
}

export interface PlannedLines {
  readonly recurring: readonly PlannedLine[];
  readonly oneTime: readonly PlannedLine[];
  readonly problems: readonly SyncError[];
}

export function isLineSkipped(item: OrderItem): boolean {
  return item.Skip_Line_Item__c === true;
}

/** Plans every line of an order; problems are returned, not thrown, so all of them get reported. */
export function planOrderLines(items: readonly OrderItem[], terms: PriceTerms, ctx: PlanningContext): PlannedLines {
  const recurring: PlannedLine[] = [];
  const oneTime: PlannedLine[] = [];
  const problems: SyncError[] = [];
  for (const item of items) {
    try {
      const line = planOrderLine(item, terms, ctx);
      if (line) (line.price.candidate.recurring ? recurring : oneTime).push(line);
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      problems.push(error);
    }
  }
  return { recurring, oneTime, problems };
}

/** The order line is deleted or not activated (spec S40). */
export function lineActivationProblem(item: OrderItem): SyncError | undefined {
  if (item.IsDeleted !== true && item.SBQQ__Activated__c === true) return undefined;
  return new SyncError('The order line is deleted or not activated.', {
    kind: 'data',
    record: recordRef('OrderItem', item.Id),
    field: item.IsDeleted ? 'IsDeleted' : 'SBQQ__Activated__c',
    fix: 'Activate every order product of the order (or remove deleted ones), then sync again.',
  });
}

/** One line; undefined when the line is skipped or left out (negative price). */
export function planOrderLine(item: OrderItem, terms: PriceTerms, ctx: PlanningContext): PlannedLine | undefined {
  const activation = lineActivationProblem(item);
  if (activation) throw activation;
  if (isLineSkipped(item)) return undefined;
  const ref = recordRef('OrderItem', item.Id);
  const { fields, missing } = applyMappings('subscription_item', item, ctx.index, ctx.sync.mappings);
  if (missing.length > 0) {
    throw new SyncError(missing.join(', '), {
      kind: 'missing_fields',
      record: ref,
      field: missing[0],
      fix: 'Fill in the order product quantity, or map Subscription Item quantity in the data mapper.',
    });
  }
  const quantity = Number(fields.quantity);
  if (!Number.isInteger(quantity)) {
    throw decimalQuantity(item.Id);
  }
  const price = planOrderItemPrice(item, terms, ctx);
  if (!price) return undefined;
  if (price.candidate.metered && quantity > 1) {
    // A user failure in the reference: the bare message (recording test_order_failures__does_not_allow_a_quantity_greater_than_1_on_metered_billing_items).
    throw new SyncError(
      'Order lines with a price configured for metered billing cannot have a quantity greater than 1.',
      {
        kind: 'bare',
        record: ref,
        field: 'Quantity',
        fix: 'Set the quantity of the metered order product to 1.',
      },
    );
  }
  const metadata = { ...recordMetadata(ref, ctx.sync), ...mappedMetadata(fields) };
  const problem = metadataProblems(metadata, ref, 'subscription item')[0];
  if (problem) throw problem;
  return { item, ref, price, quantity: price.candidate.metered ? undefined : quantity, itemFields: fields, metadata };
}

/** Mapped `subscription_item` params other than quantity and metadata (e.g. `tax_rates`). */
function extraItemParams(line: PlannedLine): Record<string, unknown> {
  return toNestedParams(line.itemFields, ['quantity', ...metadataPaths(line.itemFields)]);
}

/** The schedule phase item for a recurring line; `price` may be a duplicate of the line's price. */
export function phaseItem(line: PlannedLine, discounts?: Discounts, price: string = line.price.price): PhaseItem {
  return {
    ...extraItemParams(line),
    price,
    ...(line.quantity === undefined ? {} : { quantity: line.quantity }),
    metadata: line.metadata,
    ...(discounts && discounts.length > 0 ? { discounts } : {}),
  };
}

/** The phase's one-time invoice item for a one-time line. */
export function addInvoiceItem(line: PlannedLine, discounts?: Discounts): AddInvoiceItem {
  return {
    ...extraItemParams(line),
    price: line.price.price,
    quantity: line.quantity ?? 1,
    metadata: line.metadata,
    ...(discounts && discounts.length > 0 ? { discounts } : {}),
  };
}
