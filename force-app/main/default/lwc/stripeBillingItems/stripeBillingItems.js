import { LightningElement, api } from 'lwc';

/**
 * The items table of a billing summary: a phase's recurring items (with how often each is billed) or a
 * one-time invoice's lines. Light DOM, so the rows stay in the summary's own tree and read like its markup.
 */
export default class StripeBillingItems extends LightningElement {
  static renderMode = 'light';

  /** Rows as the summary shapes them: key, product, quantity, amount, hasAmount, coupons, hasCoupons, billedText. */
  @api items = [];
  @api currency;
  /** The summary's labels (product, quantity, amount, billed, coupons, usageBased). */
  @api labels = {};
  /** The table's assistive caption. */
  @api caption;
  /** Whether the Billed column (each item's interval) shows: phases have one, a one-time invoice has none. */
  @api showBilled = false;
  /** The `data-id` of each row, as the summary's tests and styles find them. */
  @api rowId = 'item';
}
