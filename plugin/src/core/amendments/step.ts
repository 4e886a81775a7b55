/**
 * One amendment as the standard amendment planner sees it: its period, the contract's items before and
 * after it, its one-time lines and the billing calendar. Shared by phase building, prorations and credits.
 */
import type { ContractItem } from './aggregation.js';
import { type OrderPeriod } from './amendmentDates.js';
import type { PlanningContext } from '../plan/context.js';
import type { AmendmentOrder } from '../records/contract.js';
import { type PlannedLine } from '../newOrders/lines.js';
import type { OrderItem } from '../records/models.js';
import { type PriceTerms } from '../pricing/prices.js';
import { type BillingCalendar } from '../pricing/prorations.js';

/** The initial order's priced lines and period: what the amendments build on. */
export interface InitialOrderLines {
  readonly period: OrderPeriod;
  readonly terms: PriceTerms;
}

export interface AmendmentStep {
  readonly ctx: PlanningContext;
  readonly amendment: AmendmentOrder;
  readonly period: OrderPeriod;
  readonly previous: readonly ContractItem[];
  readonly items: readonly ContractItem[];
  readonly oneTime: readonly PlannedLine[];
  /** The amendment's negative recurring lines. */
  readonly reductions: readonly OrderItem[];
  /** Recurring lines of the amendment, additions and reductions. */
  readonly recurringLineCount: number;
  readonly isLast: boolean;
  readonly calendar: BillingCalendar;
}
