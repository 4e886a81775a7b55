import { createElement } from 'lwc';
import StripeCouponList from 'c/stripeCouponList';

import couponsSummary from '../../stripeBillingSummary/__tests__/data/coupons.json';

const [phase] = couponsSummary.phases;

function mount(coupons) {
  const element = createElement('c-stripe-coupon-list', { is: StripeCouponList });
  element.coupons = coupons;
  element.currency = 'USD';
  element.label = 'Coupons';
  document.body.appendChild(element);
  return element;
}

const rows = (element) => [...element.shadowRoot.querySelectorAll('[data-id="coupon"]')];
// The template's spacing is margins: the text itself has none between the parts.
const text = (node) => node.textContent.replace(/\s+/g, ' ').trim();
const money = (node) => {
  const number = node.querySelector('lightning-formatted-number');
  return number && { value: number.value, currency: number.currencyCode, style: number.formatStyle };
};

describe('c-stripe-coupon-list', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows a percentage coupon with how long it lasts, and no amount', async () => {
    const element = mount(phase.coupons);
    const [launch] = rows(element);
    expect(text(launch)).toBe('Launch discount:c.StripeBillingSummary_PercentOff(c.StripeBillingSummary_Forever)');
    expect(money(launch)).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('shows an amount-off coupon in the order currency, repeating for its months', async () => {
    const element = mount(phase.coupons);
    const [, quarter] = rows(element);
    expect(money(quarter)).toEqual({ value: '100.00', currency: 'USD', style: 'currency' });
    expect(text(quarter)).toBe(
      'First quarter credit:c.StripeBillingSummary_AmountOff(c.StripeBillingSummary_ForMonths)',
    );
    await expect(element).toBeAccessible();
  });

  it("shows a line's coupon that lasts once, and names the list for assistive technology", async () => {
    const element = mount(phase.oneTimeItems[0].coupons);
    expect(rows(element).map(text)).toEqual([
      'Onboarding credit:c.StripeBillingSummary_AmountOff(c.StripeBillingSummary_Once)',
    ]);
    expect(element.shadowRoot.querySelector('ul').getAttribute('aria-label')).toBe('Coupons');
    await expect(element).toBeAccessible();
  });
});
