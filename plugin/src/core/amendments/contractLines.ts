/** Each order's lines of a contract, planned once with the order's own price terms (standard and MDQ amendments). */
import type { ContractItem } from './aggregation.js';
import { decimalQuantity } from '../documentedErrors.js';
import type { PlanningContext } from '../plan/context.js';
import { lineActivationProblem, planOrderLine, type PlannedLine } from '../newOrders/lines.js';
import type { Order, OrderItem } from '../records/models.js';
import type { PriceTerms } from '../pricing/prices.js';

/** One order's lines: recurring additions, reductions (negative lines) and one-time lines. */
export interface OrderLines {
  readonly recurring: OrderItem[];
  readonly reductions: OrderItem[];
  readonly oneTime: PlannedLine[];
}

/** Each order's lines planned once, with the order's own price terms; and the prices the phases use. */
export class ContractLines {
  private readonly byOrder = new Map<string, OrderLines>();
  private readonly planned = new Map<string, PlannedLine>();
  private readonly prices = new Set<string>();

  /** @param planLine how one line is planned (MDQ lines are priced over their segment). */
  constructor(
    private readonly ctx: PlanningContext,
    private readonly planLine: (
      line: OrderItem,
      terms: PriceTerms,
      ctx: PlanningContext,
    ) => PlannedLine | undefined = planOrderLine,
  ) {}

  of(order: Order, terms: PriceTerms | ((line: OrderItem) => PriceTerms)): OrderLines {
    const cached = this.byOrder.get(order.Id);
    if (cached) return cached;
    const result: OrderLines = { recurring: [], reductions: [], oneTime: [] };
    for (const line of this.ctx.index.orderItems(order.Id)) {
      if (line.Quantity < 0) {
        // A reduction gets no price of its own: it only takes units back from the line it revises.
        const problem =
          lineActivationProblem(line) ?? (Number.isInteger(line.Quantity) ? undefined : decimalQuantity(line.Id));
        if (problem) throw problem;
        if (isRecurringLine(line)) result.reductions.push(line);
        continue;
      }
      const planned = this.planLine(line, typeof terms === 'function' ? terms(line) : terms, this.ctx);
      if (!planned) continue;
      this.planned.set(line.Id, planned);
      if (planned.price.candidate.recurring) result.recurring.push(line);
      else result.oneTime.push(planned);
    }
    this.byOrder.set(order.Id, result);
    return result;
  }

  line(item: ContractItem): PlannedLine {
    return this.planned.get(item.line.Id)!;
  }

  use(price: string): string {
    this.prices.add(price);
    return price;
  }

  usedPrices(): Iterable<string> {
    return this.prices;
  }
}

/** Recurring ⇔ SBQQ__SubscriptionPricing__c is set on the line (spec §2.4, order-line prices). */
export const isRecurringLine = (line: OrderItem): boolean =>
  line.SBQQ__SubscriptionPricing__c !== null && line.SBQQ__SubscriptionPricing__c !== undefined;
