import { createElement } from 'lwc';
import StripeBillingSummary from 'c/stripeBillingSummary';

import scheduled from './data/scheduled.json';
import evergreen from './data/evergreen.json';
import oneTime from './data/oneTime.json';
import oneTimeCoupons from './data/oneTimeCoupons.json';
import oneTimeVersion1 from './data/oneTimeVersion1.json';
import amended from './data/amended.json';
import mdqRamp from './data/mdqRamp.json';
import coupons from './data/coupons.json';
import multiCurrency from './data/multiCurrency.json';
import unsupportedVersion from './data/unsupportedVersion.json';

/** Mounts the section with the field's text, as the card passes it. */
function mount(summary) {
  const element = createElement('c-stripe-billing-summary', { is: StripeBillingSummary });
  element.summary = typeof summary === 'string' ? summary : JSON.stringify(summary);
  document.body.appendChild(element);
  return element;
}

const all = (element, id) => [...element.shadowRoot.querySelectorAll(`[data-id="${id}"]`)];
const byId = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);
/** What a lightning-formatted-number inside `node` is asked to show: value and currency. */
const money = (node) => {
  const number = node.querySelector('lightning-formatted-number');
  return number && { value: number.value, currency: number.currencyCode, style: number.formatStyle };
};
const dates = (node) => [...node.querySelectorAll('lightning-formatted-date-time')].map((d) => d.value);
const text = (node) => node.textContent.replace(/\s+/g, ' ').trim();

describe('c-stripe-billing-summary', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('scheduled: one phase as a timeline with its items, one-time item and total; next and latest invoice with the payment link; TCV and MRR', async () => {
    const element = mount(scheduled);
    const phases = all(element, 'phase');
    expect(phases).toHaveLength(1);
    expect(dates(byId(element, 'phase-dates'))).toEqual(['2030-01-01', '2031-01-01']);
    const items = all(element, 'item');
    expect(items.map((row) => text(row.querySelector('[data-id="item-product"]')))).toEqual([
      'Platform Seat',
      'Support Plan',
    ]);
    expect(items.map((row) => money(row))).toEqual([
      { value: '1000.00', currency: 'USD', style: 'currency' },
      { value: '250.00', currency: 'USD', style: 'currency' },
    ]);
    expect(text(items[0].querySelector('[data-id="item-interval"]'))).toBe('c.StripeBillingSummary_Per');
    expect(all(element, 'one-time-item').map(money)).toEqual([{ value: '500.00', currency: 'USD', style: 'currency' }]);
    expect(money(byId(element, 'phase-total'))).toEqual({ value: '15500.00', currency: 'USD', style: 'currency' });
    expect(dates(byId(element, 'next-invoice'))).toEqual(['2030-02-01']);
    expect(money(byId(element, 'next-invoice')).value).toBe('1250.00');
    expect(byId(element, 'latest-invoice-status').label).toBe('open');
    expect(money(byId(element, 'latest-invoice-due')).value).toBe('1750.00');
    expect(byId(element, 'latest-invoice-link').href).toBe(scheduled.latestInvoice.paymentLink);
    expect(money(byId(element, 'tcv')).value).toBe('15500.00');
    expect(money(byId(element, 'mrr')).value).toBe('1250.00');
    expect(byId(element, 'summary-unreadable')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('evergreen: an open-ended phase "until canceled", the next renewal, MRR and no TCV', async () => {
    const element = mount(evergreen);
    expect(text(byId(element, 'summary-kind'))).toBe('c.StripeBillingSummary_Evergreen');
    expect(dates(byId(element, 'phase-dates'))).toEqual(['2030-01-01']);
    expect(text(byId(element, 'phase-dates'))).toContain('c.StripeBillingSummary_Until');
    expect(dates(byId(element, 'next-renewal'))).toEqual(['2030-02-01']);
    expect(money(byId(element, 'mrr')).value).toBe('495.00');
    expect(byId(element, 'tcv')).toBeNull();
    expect(byId(element, 'phase-total')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('one-time invoice: its lines and total, the invoice status and payment link, no timeline and no MRR', async () => {
    const element = mount(oneTime);
    expect(byId(element, 'timeline')).toBeNull();
    expect(byId(element, 'mrr')).toBeNull();
    expect(all(element, 'invoice-item').map((row) => [text(row.querySelector('th')), money(row).value])).toEqual([
      ['Implementation Services', '3000.00'],
      ['Training Day', '1600.00'],
    ]);
    // An invoice is billed once: its table has no Billed column.
    expect(byId(element, 'item-interval')).toBeNull();
    expect(money(byId(element, 'tcv')).value).toBe('4600.00');
    expect(byId(element, 'latest-invoice-link').href).toBe(oneTime.latestInvoice.paymentLink);
    await expect(element).toBeAccessible();
  });

  it("one-time invoice with coupons: each line's own coupon under its line, the order's coupons under the invoice, both in the total", async () => {
    const element = mount(oneTimeCoupons);
    const items = all(element, 'invoice-item');
    expect(items.map((row) => row.querySelector('[data-id="item-coupons"]')?.coupons ?? null)).toEqual([
      oneTimeCoupons.oneTimeInvoice.items[0].coupons,
      null,
    ]);
    const invoiceCoupons = byId(element, 'invoice-coupons');
    expect(invoiceCoupons.coupons).toEqual(oneTimeCoupons.oneTimeInvoice.coupons);
    expect([invoiceCoupons.currency, invoiceCoupons.label]).toEqual(['USD', 'c.StripeBillingSummary_Coupons']);
    // (3,000 − 200 + 1,600) less 10 %.
    expect(money(byId(element, 'tcv')).value).toBe('3960.00');
    await expect(element).toBeAccessible();
  });

  it('one-time invoice in a version-1 summary (written before invoices had coupons of their own): its lines, no invoice coupons', async () => {
    const element = mount(oneTimeVersion1);
    expect(all(element, 'invoice-item')).toHaveLength(2);
    expect(byId(element, 'invoice-coupons')).toBeNull();
    expect(money(byId(element, 'tcv')).value).toBe('4600.00');
    expect(byId(element, 'summary-unreadable')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('amended with several phases: one timeline entry per phase, in order, each with its own items and total', async () => {
    const element = mount(amended);
    const phases = all(element, 'phase');
    expect(phases).toHaveLength(3);
    expect(phases.map((p) => dates(p.querySelector('[data-id="phase-dates"]')))).toEqual([
      ['2030-01-01', '2030-07-01'],
      ['2030-07-01', '2030-10-01'],
      ['2030-10-01', '2031-01-01'],
    ]);
    expect(phases.map((p) => [...p.querySelectorAll('[data-id="item-quantity"]')].map(text))).toEqual([
      ['10'],
      ['15'],
      ['15', '1'],
    ]);
    expect(phases.map((p) => money(p.querySelector('[data-id="phase-total"]')).value)).toEqual([
      '6000.00',
      '4500.00',
      '5250.00',
    ]);
    expect(money(byId(element, 'tcv')).value).toBe('15750.00');
    await expect(element).toBeAccessible();
  });

  it('MDQ ramp: one phase per segment with the yearly amount growing, billed per year', async () => {
    const element = mount(mdqRamp);
    const phases = all(element, 'phase');
    expect(phases.map((p) => money(p.querySelector('[data-id="item"]')).value)).toEqual([
      '12000.00',
      '22000.00',
      '30000.00',
    ]);
    expect(phases.map((p) => text(p.querySelector('[data-id="item-interval"]')))).toEqual(
      Array(3).fill('c.StripeBillingSummary_Per'),
    );
    expect(money(byId(element, 'tcv')).value).toBe('64000.00');
    expect(money(byId(element, 'mrr')).value).toBe('1000.00');
    await expect(element).toBeAccessible();
  });

  it('coupons: the order-level coupons under the phase, each line-level coupon under its own line, all in the totals', async () => {
    const element = mount(coupons);
    const [phase] = coupons.phases;
    expect(byId(element, 'phase-coupons').coupons).toEqual(phase.coupons);
    const items = all(element, 'item');
    expect(items.map((row) => row.querySelector('[data-id="item-coupons"]')?.coupons ?? null)).toEqual([
      null,
      phase.items[1].coupons,
    ]);
    expect(byId(element, 'one-time-item').querySelector('[data-id="item-coupons"]').coupons).toEqual(
      phase.oneTimeItems[0].coupons,
    );
    for (const list of all(element, 'phase-coupons').concat(all(element, 'item-coupons'))) {
      expect(list.currency).toBe('USD');
      expect(list.label).toBe('c.StripeBillingSummary_Coupons');
    }
    expect(money(byId(element, 'phase-total')).value).toBe('12120.00');
    expect(money(byId(element, 'next-invoice')).value).toBe('912.50');
    await expect(element).toBeAccessible();
  });

  it('multi-currency: every amount in the order currency (JPY, no minor unit)', async () => {
    const element = mount(multiCurrency);
    const numbers = [...element.shadowRoot.querySelectorAll('lightning-formatted-number')];
    expect(numbers.length).toBeGreaterThan(4);
    expect(new Set(numbers.map((n) => n.currencyCode))).toEqual(new Set(['JPY']));
    expect(money(byId(element, 'tcv')).value).toBe('1440000');
    await expect(element).toBeAccessible();
  });

  it.each([
    ['text that is not JSON', '{"version": 1, "kind": '],
    ['a version the card does not know', JSON.stringify(unsupportedVersion)],
    ['a summary with a float amount', JSON.stringify({ ...scheduled, mrr: 1250.5 })],
    ['a phase without items', JSON.stringify({ ...scheduled, phases: [{ ...scheduled.phases[0], items: undefined }] })],
    [
      'a version-2 one-time invoice without its coupons',
      JSON.stringify({ ...oneTime, oneTimeInvoice: { ...oneTime.oneTimeInvoice, coupons: undefined } }),
    ],
  ])('unparseable summary (%s): a clear message instead of the timeline', async (_, summary) => {
    const element = mount(summary);
    expect(byId(element, 'summary-unreadable').textContent).toBe('c.StripeBillingSummary_Unreadable');
    expect(byId(element, 'timeline')).toBeNull();
    expect(element.shadowRoot.querySelector('lightning-formatted-number')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('reads a summary object too (the preview passes the parsed one)', () => {
    const element = createElement('c-stripe-billing-summary', { is: StripeBillingSummary });
    element.summary = amended;
    document.body.appendChild(element);
    expect(all(element, 'phase')).toHaveLength(3);
  });
});
