/**
 * The partial billing period an amendment starting off its billing cycle bills up front (spec §2.6.3),
 * and the one-time proration items for the lines it adds.
 */
import { activeItems, remainingQuantity } from './aggregation.js';
import { compareDates, fromUnixSeconds, toUnixSeconds } from '../dates.js';
import { flagMetadata } from '../mappings/metadata.js';
import type { Decimal } from '../money.js';
import { planDerivedPrice } from '../pricing/prices.js';
import {
  effectiveTermMonths,
  isBillingDate,
  missedBillingCycles,
  nextBillingDate,
  prorationAmount,
  prorationPrecision,
  roundProration,
  termLength,
} from '../pricing/prorations.js';
import { type InvoiceItemParams } from './scheduleState.js';
import type { AmendmentStep } from './step.js';
import type { ContractLines } from './contractLines.js';

/** How much of a billing period the amendment's off-cycle start bills up front, and for which period. */
export interface ProrationWindow {
  readonly termMonths: Decimal;
  readonly backdatedCycles: number;
  readonly period: NonNullable<InvoiceItemParams['period']>;
}

/**
 * Prorated ⇔ the term is not a whole number of billing periods, or the amendment does not start on a
 * billing date still to come (spec §2.6.3). The next billing dates come from the schedule's own
 * calendar (first phase start + n × bf), the same dates Stripe's invoice preview would show.
 */
export function prorationWindow(step: AmendmentStep, start: number | 'now'): ProrationWindow | undefined {
  const { ctx, period, calendar } = step;
  const today = fromUnixSeconds(ctx.sync.now);
  const length = termLength(period.start, period.end);
  const termMonths = effectiveTermMonths(length, prorationPrecision(ctx.sync.settings));
  const onCycle =
    compareDates(period.start, today) > 0 &&
    isBillingDate(calendar, period.start) &&
    termMonths.mod(calendar.billingMonths).isZero();
  if (onCycle) return undefined;
  if (compareDates(period.start, today) >= 0 || start !== 'now' || !ctx.sync.settings.features.backdatedAmendments) {
    return {
      termMonths,
      backdatedCycles: 0,
      period: { start: { type: 'phase_start' }, end: { type: 'min_item_period_end' } },
    };
  }
  const next = nextBillingDate(calendar, today);
  return {
    termMonths,
    backdatedCycles: missedBillingCycles(calendar, period.start, today),
    period: {
      start: { type: 'timestamp', timestamp: toUnixSeconds(period.start) },
      end: { type: 'timestamp', timestamp: toUnixSeconds(next) },
    },
  };
}

/** Lines added by this amendment that bill their first, partial period through a one-time price. */
export function prorationItems(step: AmendmentStep, lines: ContractLines, start: number | 'now'): InvoiceItemParams[] {
  const window = prorationWindow(step, start);
  if (!window) return [];
  const { ctx, amendment } = step;
  return activeItems(step.items)
    .filter((item) => item.orderId === amendment.order.Id && lines.line(item))
    .flatMap((item) => {
      const planned = lines.line(item);
      const { candidate } = planned.price;
      if (
        !candidate.recurring ||
        candidate.metered ||
        candidate.tiered ||
        !candidate.unitAmount ||
        !candidate.intervalMonths
      )
        return [];
      const amount = roundProration(
        prorationAmount({
          unitAmount: candidate.unitAmount,
          termMonths: window.termMonths,
          billingMonths: candidate.intervalMonths,
          backdatedCycles: window.backdatedCycles,
        }),
        String(candidate.params.currency),
        ctx.sync.settings.features.salesforcePrecision,
      );
      const price = planDerivedPrice(
        planned.price,
        {
          kind: 'price_proration',
          line: item.line,
          flags: ['proration', 'duplicate', 'auto_archive'],
          unitAmount: amount,
          oneTime: true,
        },
        ctx,
      );
      return [
        {
          price: lines.use(price),
          quantity: remainingQuantity(item),
          metadata: { ...planned.metadata, ...flagMetadata(ctx.sync, 'proration') },
          period: window.period,
        },
      ];
    });
}
