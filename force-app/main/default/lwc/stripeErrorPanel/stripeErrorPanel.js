import { LightningElement, api } from 'lwc';

import fix from '@salesforce/label/c.StripeOrderSync_Fix';
import documentation from '@salesforce/label/c.StripeOrderSync_Documentation';

/**
 * What stops a sync, as the Sync Records give it: a heading, then each problem's message, its fix and the
 * documentation link. The card shows the order's failed sync in one; the preview, the problems that would stop
 * the sync. Content in the default slot follows the problems (the card's "the relay retries it" note).
 */
export default class StripeErrorPanel extends LightningElement {
  @api heading;
  /** [{ message, fix, documentationLink }]; fix and link may be empty. */
  @api problems = [];
  labels = { fix, documentation };

  get rows() {
    return (this.problems ?? []).map((problem, index) => ({ ...problem, key: `problem-${index}` }));
  }
}
