// Tests drive the wire adapters through their test API (emit), which the rule takes for misuse.
/* eslint-disable @lwc/lwc/no-unexpected-wire-adapter-usages */
import { createElement } from 'lwc';
import StripeBillingPreview, { MAX_POLLS, POLL_INTERVAL_MS } from 'c/stripeBillingPreview';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import { refreshApex } from '@salesforce/apex';

import previewReady from './data/previewReady.json';
import previewWithProblems from './data/previewWithProblems.json';

const ORDER_ID = '801000000000001AAA';
const REQUEST_ID = 'a02000000000009AAA';

const flushPromises = async () => {
  for (let i = 0; i < 5; i += 1) {
    // eslint-disable-next-line no-await-in-loop
    await Promise.resolve();
  }
};

const requestRecord = (status, result = null, message = null) => ({
  apiName: 'Stripe_Sync_Request__c',
  id: REQUEST_ID,
  fields: {
    Status__c: { value: status, displayValue: status },
    Message__c: { value: message, displayValue: null },
    Preview_Result__c: { value: result, displayValue: null },
  },
});

const byId = (root, id) => root.shadowRoot.querySelector(`[data-id="${id}"]`);

/** Mounts the section and presses Preview billing; the relay's answer is emitted by each test. */
async function pressPreview() {
  createRecord.mockResolvedValue({ id: REQUEST_ID });
  const element = createElement('c-stripe-billing-preview', { is: StripeBillingPreview });
  element.recordId = ORDER_ID;
  document.body.appendChild(element);
  byId(element, 'preview-billing').click();
  await flushPromises();
  return element;
}

describe('c-stripe-billing-preview', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  it('files a Preview request for the order and says it is running, the button disabled meanwhile', async () => {
    const element = await pressPreview();
    expect(createRecord).toHaveBeenCalledTimes(1);
    const { apiName, fields } = createRecord.mock.calls[0][0];
    expect(apiName).toBe('Stripe_Sync_Request__c');
    expect(fields).toMatchObject({ Order__c: ORDER_ID, Type__c: 'Preview' });
    expect(byId(element, 'preview-running')).not.toBeNull();
    expect(byId(element, 'preview-billing').disabled).toBe(true);
    await expect(element).toBeAccessible();
  });

  it('preview with problems: each problem with its message and fix, as the Sync Records give them, and no billing', async () => {
    const element = await pressPreview();
    getRecord.emit(
      requestRecord('Previewed', JSON.stringify(previewWithProblems), 'Preview: 2 problem(s) would stop the sync.'),
    );
    await flushPromises();
    const panel = byId(element, 'preview-problems');
    expect(panel.heading).toBe('c.StripeBillingPreview_Problems');
    const problems = [...panel.shadowRoot.querySelectorAll('[data-id="problem"]')];
    expect(problems.map((p) => p.querySelector('[data-id="problem-message"]').textContent)).toEqual(
      previewWithProblems.problems.map((p) => p.message),
    );
    expect(problems.map((p) => p.querySelector('[data-id="problem-fix"]').textContent)).toEqual(
      previewWithProblems.problems.map((p) => `c.StripeOrderSync_Fix: ${p.fix}`),
    );
    expect(byId(element, 'preview-summary')).toBeNull();
    expect(byId(element, 'preview-nothing-written')).not.toBeNull();
    expect(byId(element, 'preview-running')).toBeNull();
    expect(byId(element, 'preview-billing').disabled).toBe(false);
    await expect(element).toBeAccessible();
  });

  it('a preview without problems shows the billing the sync would make, headed as a preview', async () => {
    const element = await pressPreview();
    getRecord.emit(requestRecord('Previewed', JSON.stringify(previewReady)));
    await flushPromises();
    const summary = byId(element, 'preview-summary');
    expect(summary.heading).toBe('c.StripeBillingSummary_PreviewHeading');
    expect(summary.summary).toEqual(previewReady.summary);
    expect(summary.shadowRoot.querySelectorAll('[data-id="phase"]')).toHaveLength(1);
    expect(byId(element, 'preview-problems')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('an unreadable preview result says so, with the request message, instead of a broken section', async () => {
    const element = await pressPreview();
    getRecord.emit(requestRecord('Failed', 'not json', 'The relay could not read the order.'));
    await flushPromises();
    expect(byId(element, 'preview-unreadable').textContent).toBe(
      'c.StripeBillingSummary_Unreadable The relay could not read the order.',
    );
    expect(byId(element, 'preview-summary')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('re-reads the request every few seconds and stops waiting after MAX_POLLS, saying so', async () => {
    jest.useFakeTimers();
    const element = await pressPreview();
    for (let i = 0; i < MAX_POLLS; i += 1) {
      jest.advanceTimersByTime(POLL_INTERVAL_MS);
      // eslint-disable-next-line no-await-in-loop
      await flushPromises();
    }
    expect(refreshApex).toHaveBeenCalledTimes(MAX_POLLS);
    expect(byId(element, 'preview-timed-out')).not.toBeNull();
    expect(byId(element, 'preview-billing').disabled).toBe(false);
  });

  it('shows why a request could not be filed', async () => {
    createRecord.mockRejectedValue({ body: { message: 'INSUFFICIENT_ACCESS' } });
    const element = createElement('c-stripe-billing-preview', { is: StripeBillingPreview });
    element.recordId = ORDER_ID;
    document.body.appendChild(element);
    byId(element, 'preview-billing').click();
    await flushPromises();
    expect(byId(element, 'preview-error').textContent).toContain('INSUFFICIENT_ACCESS');
    expect(byId(element, 'preview-billing').disabled).toBe(false);
    await expect(element).toBeAccessible();
  });
});
