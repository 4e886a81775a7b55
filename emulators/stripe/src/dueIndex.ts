/**
 * When each subscription schedule, subscription and draft invoice next changes state by itself (billing.ts
 * applies the change): a phase boundary, `cancel_at`, a renewal, an automatic finalization. One min-heap per
 * clock (a test clock's id, or null for the emulator clock) answers "what is due first" in O(log n), so a
 * request no longer scans the whole store to move time forward.
 *
 * Keeping it true: a write reaches a stored object only through its collection (insert, find/get; see
 * `Collection.onAccess`) or as the due change billing applies, which reports it. Each object reached so is
 * re-indexed at the next lookup, and at every lookup until one happens outside a request, because a handler
 * may still change an object after a lookup it triggered itself. A heap entry whose object was re-indexed
 * since is stale and dropped when it surfaces.
 */
import TinyQueue from 'tinyqueue';
import type { Invoice, StripeStore, Subscription, SubscriptionSchedule } from './objects.js';

export type DueChange =
  | { readonly kind: 'phase_boundary'; readonly at: number; readonly object: SubscriptionSchedule }
  | { readonly kind: 'cancel_at'; readonly at: number; readonly object: Subscription }
  | { readonly kind: 'renewal'; readonly at: number; readonly object: Subscription }
  | { readonly kind: 'finalization'; readonly at: number; readonly object: Invoice };

type Indexed = DueChange['object'];

/** Ties at one instant run in this order: schedules move, then cancellations, renewals, finalizations. */
const RANK: Record<DueChange['kind'], number> = { phase_boundary: 0, cancel_at: 1, renewal: 2, finalization: 3 };

interface Entry {
  readonly change: DueChange;
  readonly clock: string | null;
  readonly rank: number;
  /** Insertion order of the object: ties at one instant and rank run oldest first, as a scan of the store would. */
  readonly order: number;
}

const earlier = (a: Entry, b: Entry): number => a.change.at - b.change.at || a.rank - b.rank || a.order - b.order;

/** Rebuild the heaps once stale entries outnumber live ones by this much. */
const COMPACT_AFTER_STALE = 1_024;

export class DueIndex {
  private readonly heaps = new Map<string | null, TinyQueue<Entry>>();
  /** Each object's live entry; a heap entry not found here is stale. */
  private readonly live = new Map<Indexed, Entry>();
  private readonly reached = new Set<Indexed>();
  private readonly order = new WeakMap<Indexed, number>();
  private inserted = 0;
  private queued = 0;

  constructor(private readonly store: Pick<StripeStore, 'subscriptionSchedules' | 'subscriptions' | 'invoices'>) {
    const reach = (item: Indexed): void => this.reach(item);
    store.subscriptionSchedules.onAccess = reach;
    store.subscriptions.onAccess = reach;
    store.invoices.onAccess = reach;
  }

  /** The object may have changed: it is re-indexed at the next lookup. */
  reach(item: Indexed): void {
    if (!this.order.has(item)) this.order.set(item, this.inserted++);
    this.reached.add(item);
  }

  /**
   * The first change due at or before `to` on `clock` (null = the emulator clock), or undefined. `duringRequest`
   * keeps the objects reached so far for re-indexing again at the next lookup (the handler still holds them).
   */
  next(clock: string | null, to: number, duringRequest: boolean): DueChange | undefined {
    for (const item of this.reached) this.reindex(item);
    if (!duringRequest) this.reached.clear();
    if (this.queued > 2 * this.live.size + COMPACT_AFTER_STALE) this.compact();
    const heap = this.heaps.get(clock);
    if (!heap) return undefined;
    for (let top = heap.peek(); top; top = heap.peek()) {
      if (this.live.get(top.change.object) === top) return top.change.at <= to ? top.change : undefined;
      heap.pop();
      this.queued--;
    }
    return undefined;
  }

  private reindex(item: Indexed): void {
    const change = this.holds(item) ? dueChangeOf(item) : undefined;
    const entry = this.live.get(item);
    if (
      entry &&
      change &&
      entry.change.kind === change.kind &&
      entry.change.at === change.at &&
      entry.clock === item.test_clock
    )
      return;
    if (!change) {
      this.live.delete(item);
      return;
    }
    const next: Entry = { change, clock: item.test_clock, rank: RANK[change.kind], order: this.order.get(item) ?? 0 };
    this.live.set(item, next);
    this.push(next);
  }

  private push(entry: Entry): void {
    let heap = this.heaps.get(entry.clock);
    if (!heap) this.heaps.set(entry.clock, (heap = new TinyQueue<Entry>([], earlier)));
    heap.push(entry);
    this.queued++;
  }

  private compact(): void {
    this.heaps.clear();
    this.queued = 0;
    for (const entry of this.live.values()) this.push(entry);
  }

  /** Still stored (an insert that its refused request undid is not). */
  private holds(item: Indexed): boolean {
    switch (item.object) {
      case 'subscription_schedule':
        return this.store.subscriptionSchedules.holds(item);
      case 'subscription':
        return this.store.subscriptions.holds(item);
      case 'invoice':
        return this.store.invoices.holds(item);
    }
  }
}

/** The next change the object makes by itself, from its state alone. */
export function dueChangeOf(item: Indexed): DueChange | undefined {
  if (item.deleted) return undefined;
  switch (item.object) {
    case 'subscription_schedule': {
      const at = nextScheduleBoundary(item);
      return at === undefined ? undefined : { kind: 'phase_boundary', at, object: item };
    }
    case 'subscription': {
      if (item.status === 'canceled') return undefined;
      const cancelAt = item.cancel_at ?? undefined;
      const periodEnd = item.items.data[0]?.current_period_end;
      if (periodEnd !== undefined && (cancelAt === undefined || periodEnd < cancelAt))
        return { kind: 'renewal', at: periodEnd, object: item };
      return cancelAt === undefined ? undefined : { kind: 'cancel_at', at: cancelAt, object: item };
    }
    case 'invoice': {
      const at = item.automatically_finalizes_at;
      return item.status === 'draft' && at !== null ? { kind: 'finalization', at, object: item } : undefined;
    }
  }
}

/** When a schedule next moves: its first phase starts, or its current phase ends. */
export function nextScheduleBoundary(schedule: SubscriptionSchedule): number | undefined {
  if (schedule.status === 'not_started') return schedule.phases[0]?.start_date;
  if (schedule.status === 'active') return schedule.current_phase?.end_date;
  return undefined;
}
