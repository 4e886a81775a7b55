/**
 * Values computed once per planning run: the PricebookEntry price candidate shared by every line that
 * uses the entry, the Stripe product shared by every line of a product. Owned by the PlanningContext,
 * so nothing outlives the run (no module-global cache to go stale between syncs).
 */
export class PlanMemo {
  private readonly tables = new Map<string, Map<string, unknown>>();

  /** `compute()` the first time `key` is asked for in `table`; the same value afterwards. */
  once<T>(table: string, key: string, compute: () => T): T {
    let values = this.tables.get(table);
    if (!values) this.tables.set(table, (values = new Map()));
    if (values.has(key)) return values.get(key) as T;
    const value = compute();
    values.set(key, value);
    return value;
  }
}
