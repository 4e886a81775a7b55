/**
 * Credits for units an amendment takes back (spec §2.6.6): as one-time items of the amendment's phase,
 * or as pending invoice items on the running subscription when no phase carries them.
 */
import type { ContractItem } from './aggregation.js';
import { remainingQuantity } from './aggregation.js';
import { compareDates, toUnixSeconds, type CalendarDate } from '../dates.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { flagMetadata, type Metadata } from '../mappings/metadata.js';
import { Decimal, stripeDecimal } from '../money.js';
import { nextBillingDate, prorationShare, roundProration } from '../pricing/prorations.js';
import { id18, recordRef } from '../records/records.js';
import { type InvoiceItemParams, type ScheduleState } from './scheduleState.js';
import { ref } from '../plan/plan.js';
import type Stripe from 'stripe';
import type { AmendmentStep } from './step.js';
import type { ContractLines } from './contractLines.js';
import { prorationWindow, type ProrationWindow } from './prorationWindow.js';

/** Unused prepaid time of units an amendment took back, credited to the customer. */
export interface Credit {
  readonly item: ContractItem;
  readonly quantity: number;
  /** Per unit, minor units, negative. */
  readonly unitAmount: Decimal;
  readonly currency: string;
  readonly product: string;
  readonly taxBehavior: Stripe.PriceCreateParams.TaxBehavior | undefined;
  readonly metadata: Metadata;
  /** The proration window of the amendment; none when it starts on a future billing date. */
  readonly window: ProrationWindow | undefined;
}

/**
 * Credits for units this amendment took back (flags `terminatedOrderItemCredit` for fully terminated
 * lines, `quantityReductionOrderItemCredit` for partial reductions): `−unit × ((term % bf) / bf, or 1)`
 * per unit, over the window a proration would bill (spec §2.6.6). Not for metered or tiered prices.
 */
export function creditsFor(step: AmendmentStep, lines: ContractLines, start: number | 'now'): Credit[] {
  const { ctx } = step;
  const features = ctx.sync.settings.features;
  if (!features.terminatedOrderItemCredit && !features.quantityReductionOrderItemCredit) return [];
  const window = prorationWindow(step, start);
  const before = new Map(step.previous.map((item) => [item.line.Id, item.reducedBy]));
  return step.items.flatMap((item) => {
    const reduced = item.reducedBy - (before.get(item.line.Id) ?? item.reducedBy);
    const fully = remainingQuantity(item) === 0;
    if (reduced <= 0 || !(fully ? features.terminatedOrderItemCredit : features.quantityReductionOrderItemCredit))
      return [];
    const planned = lines.line(item);
    const { candidate } = planned?.price ?? {};
    if (
      !planned ||
      !candidate?.recurring ||
      candidate.metered ||
      candidate.tiered ||
      !candidate.unitAmount ||
      !candidate.intervalMonths
    )
      return [];
    const share = window ? prorationShare(window.termMonths, candidate.intervalMonths) : new Decimal(1);
    const currency = String(candidate.params.currency);
    return [
      {
        item,
        quantity: reduced,
        unitAmount: roundProration(candidate.unitAmount.times(share).negated(), currency, features.salesforcePrecision),
        currency,
        product: String(candidate.params.product),
        taxBehavior: candidate.params.tax_behavior,
        metadata: { ...planned.metadata, ...flagMetadata(ctx.sync, 'credit', 'proration') },
        window,
      },
    ];
  });
}

/** A credit as a one-time item of a phase (negative `price_data`), billed with the phase's first invoice. */
export function phaseCredit(credit: Credit, period: NonNullable<InvoiceItemParams['period']>): InvoiceItemParams {
  return {
    price_data: {
      currency: credit.currency,
      product: credit.product,
      ...(credit.taxBehavior ? { tax_behavior: credit.taxBehavior } : {}),
      unit_amount_decimal: stripeDecimal(credit.unitAmount),
    },
    quantity: credit.quantity,
    metadata: credit.metadata,
    period,
  };
}

/**
 * The dates a credit covers when no phase starts with it: the backdated window's own, else from the
 * amendment start to the next billing date (never past the contract end). Dates, not `now`, so a
 * replayed plan sends the same parameters.
 */
export function creditPeriod(step: AmendmentStep, credit: Credit): { start: number; end: number } {
  const { start, end } = credit.window?.period ?? {};
  if (start?.type === 'timestamp' && end?.type === 'timestamp') return { start: start.timestamp!, end: end.timestamp! };
  const next = nextBillingDate(step.calendar, step.period.start);
  return { start: toUnixSeconds(step.period.start), end: toUnixSeconds(earlier(next, step.period.end)) };
}

export const earlier = (a: CalendarDate, b: CalendarDate): CalendarDate => (compareDates(a, b) <= 0 ? a : b);

export function timestampPeriod(period: { start: number; end: number }): NonNullable<InvoiceItemParams['period']> {
  return { start: { type: 'timestamp', timestamp: period.start }, end: { type: 'timestamp', timestamp: period.end } };
}

/**
 * Credits of a termination that leaves no phase to carry them: pending invoice items on the running
 * subscription, with a negative `unit_amount_decimal` and the product named in the description.
 */
export function planCreditInvoiceItems(step: AmendmentStep, state: ScheduleState, credits: readonly Credit[]): void {
  const { ctx, amendment } = step;
  const order = amendment.order;
  for (const credit of credits) {
    const lineId = id18(credit.item.line.Id);
    ctx.plan.add({
      op: 'invoiceItems.create',
      ref: ref('credit', `${id18(order.Id)}:${lineId}`),
      params: {
        customer: state.customer,
        subscription: state.subscription!,
        currency: credit.currency,
        unit_amount_decimal: stripeDecimal(credit.unitAmount),
        quantity: credit.quantity,
        period: creditPeriod(step, credit),
        metadata: credit.metadata,
        description: `Credit for unused time: ${ctx.index.get('products', credit.item.line.Product2Id)?.Name ?? credit.product}`,
        ...(credit.taxBehavior ? { tax_behavior: credit.taxBehavior } : {}),
      },
      idempotencyKey: idempotencyKey(ctx.sync.orgId, order, 'invoiceItems.create', lineId),
      source: recordRef('OrderItem', credit.item.line.Id),
    });
  }
}
