import { createElement } from 'lwc';
import StripeSyncSummary, { SUMMARY_FIELDS } from 'c/stripeSyncSummary';

import orderSynced from '../../stripeOrderSync/__tests__/data/orderSynced.json';
import orderNeverSynced from '../../stripeOrderSync/__tests__/data/orderNeverSynced.json';

function mount(order) {
  const element = createElement('c-stripe-sync-summary', { is: StripeSyncSummary });
  element.order = order;
  document.body.appendChild(element);
  return element;
}

const byId = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);
const withField = (name, value) => ({
  ...orderSynced,
  fields: { ...orderSynced.fields, [name]: { value, displayValue: null } },
});

describe('c-stripe-sync-summary', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('names the Order fields it shows, for the card to read', () => {
    expect(SUMMARY_FIELDS.map((f) => f.fieldApiName).sort()).toEqual(
      Object.keys(orderSynced.fields)
        .filter((name) => !['Stripe_Sync_Message__c', 'Stripe_Sync_Fix__c', 'Stripe_Sync_Doc_Link__c'].includes(name))
        .sort(),
    );
  });

  it('shows the status badge, last sync, links and the latest invoice of a synced order', async () => {
    const element = mount(orderSynced);
    expect(byId(element, 'status').label).toBe('Synced');
    expect(byId(element, 'status').classList).toContain('slds-theme_success');
    expect(byId(element, 'customer-link').href).toBe(orderSynced.fields.Stripe_Customer_Link__c.value);
    expect(byId(element, 'invoice-payment-link').href).toBe(orderSynced.fields.Stripe_Invoice_Payment_Link__c.value);
    expect(byId(element, 'amount-due').textContent).toBe('$1,200.00');
    await expect(element).toBeAccessible();
  });

  it('names a one-time invoice as such', async () => {
    const element = mount(withField('Stripe_ID__c', 'in_123'));
    expect(byId(element, 'stripe-object-label').textContent).toBe('c.StripeOrderSync_OneTimeInvoice');
    await expect(element).toBeAccessible();
  });

  it('says an order never synced is not synced, with no links and no invoice', async () => {
    const element = mount(orderNeverSynced);
    expect(byId(element, 'status').label).toBe('c.StripeOrderSync_NotSynced');
    expect(byId(element, 'last-sync').textContent).toBe('c.StripeOrderSync_NeverSynced');
    expect(element.shadowRoot.querySelectorAll('a')).toHaveLength(0);
    expect(byId(element, 'invoice')).toBeNull();
    await expect(element).toBeAccessible();
  });
});
