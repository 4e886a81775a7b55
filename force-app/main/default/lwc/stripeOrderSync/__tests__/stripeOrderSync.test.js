// Tests drive the wire adapters through their test API (emit, error, getLastConfig), which the rule takes for misuse.
/* eslint-disable @lwc/lwc/no-unexpected-wire-adapter-usages */
import { createElement } from 'lwc';
import StripeOrderSync, { MAX_POLLS, POLL_INTERVAL_MS, SYNC_RECORDS_SHOWN } from 'c/stripeOrderSync';
import { createRecord, getRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { refreshApex } from '@salesforce/apex';

import orderSynced from './data/orderSynced.json';
import orderFailed from './data/orderFailed.json';
import orderNeverSynced from './data/orderNeverSynced.json';
import orderWithoutFieldAccess from './data/orderWithoutFieldAccess.json';
import syncRecords from './data/syncRecords.json';
import scheduledSummary from '../../stripeBillingSummary/__tests__/data/scheduled.json';

const ORDER_ID = '801000000000001AAA';
const REQUEST_ID = 'a02000000000001AAA';
// The id sfdx-lwc-jest gives `@salesforce/user/Id`.
const USER_ID = '005000000000000000';

const isRequests = (config) => config.relatedListId === 'Stripe_Sync_Requests__r';
const isSyncRecords = (config) => config.relatedListId === 'Stripe_Sync_Records__r';
const requestList = (status, message = null, id = REQUEST_ID) => ({
  count: 1,
  records: [
    {
      apiName: 'Stripe_Sync_Request__c',
      id,
      fields: {
        Status__c: { value: status, displayValue: status },
        Message__c: { value: message, displayValue: null },
      },
    },
  ],
});
const noRequests = { count: 0, records: [] };

/** Lets the wire handlers and the re-render run (works with real and fake timers alike). */
const flushPromises = async () => {
  for (let i = 0; i < 5; i += 1) {
    // eslint-disable-next-line no-await-in-loop
    await Promise.resolve();
  }
};

function mountCard() {
  const element = createElement('c-stripe-order-sync', { is: StripeOrderSync });
  element.recordId = ORDER_ID;
  const toasts = [];
  element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
  document.body.appendChild(element);
  return { element, toasts };
}

async function mountWith({ order = orderSynced, requests = noRequests, records = syncRecords } = {}) {
  const card = mountCard();
  // The wires receive their config (recordId) asynchronously; emit once they have it.
  await flushPromises();
  getRecord.emit(order);
  getRelatedListRecords.emit(requests, isRequests);
  getRelatedListRecords.emit(records, isSyncRecords);
  await flushPromises();
  return card;
}

/** The accessibility check needs real timers; polling tests run on fake ones. */
async function expectAccessible(element) {
  jest.useRealTimers();
  await expect(element).toBeAccessible();
}

/** Every match in the card and in its child components' shadow trees (the card draws through its children). */
function deepAll(root, selector) {
  const tree = root.shadowRoot;
  const nested = [...tree.querySelectorAll('*')]
    .filter((node) => node.shadowRoot)
    .flatMap((node) => deepAll(node, selector));
  return [...tree.querySelectorAll(selector), ...nested];
}
const byId = (element, id) => deepAll(element, `[data-id="${id}"]`)[0] ?? null;
const syncButton = (element) => byId(element, 'sync-now');

describe('c-stripe-order-sync', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  describe('shows the order', () => {
    it('shows a spinner until the order is loaded', async () => {
      const { element } = mountCard();
      await flushPromises();

      expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
      expect(syncButton(element).disabled).toBe(true);
      await expectAccessible(element);
    });

    it('asks for the order fields as optional fields, so missing access does not break the wire', async () => {
      const { element } = mountCard();
      await flushPromises();

      // Read before the order arrives: the preview section's own getRecord (its request) comes after.
      const config = getRecord.getLastConfig();
      expect(config.recordId).toBe(ORDER_ID);
      expect(config.fields).toBeUndefined();
      expect(config.optionalFields.map((f) => f.fieldApiName)).toEqual(
        expect.arrayContaining([...Object.keys(orderSynced.fields), 'Stripe_Billing_Summary__c']),
      );
      await expectAccessible(element);
    });

    it('shows the status badge, last sync and the Stripe Dashboard links of a synced order', async () => {
      const { element } = await mountWith();

      const badge = byId(element, 'status');
      expect(badge.label).toBe('Synced');
      expect(badge.classList).toContain('slds-theme_success');
      expect(byId(element, 'last-sync').querySelector('lightning-formatted-date-time').value).toBe(
        '2030-01-15T10:30:00.000Z',
      );
      expect(byId(element, 'customer-link').href).toBe(orderSynced.fields.Stripe_Customer_Link__c.value);
      expect(byId(element, 'stripe-object-link').href).toBe(orderSynced.fields.Stripe_Dashboard_Link__c.value);
      expect(byId(element, 'invoice-link').href).toBe(orderSynced.fields.Stripe_Invoice_Dashboard_Link__c.value);
      expect(byId(element, 'invoice-payment-link').href).toBe(orderSynced.fields.Stripe_Invoice_Payment_Link__c.value);
      expect(byId(element, 'invoice-status').textContent).toBe('open');
      expect(byId(element, 'amount-due').textContent).toBe('$1,200.00');
      expect(byId(element, 'amount-paid').textContent).toBe('$0.00');
      expect(byId(element, 'failure')).toBeNull();
      expect(syncButton(element).disabled).toBe(false);
      await expectAccessible(element);
    });

    it.each([
      ['sub_sched_123', 'c.StripeOrderSync_Schedule'],
      ['sub_123', 'c.StripeOrderSync_Subscription'],
      ['in_123', 'c.StripeOrderSync_OneTimeInvoice'],
    ])('names what order %s became in Stripe', async (stripeId, label) => {
      const order = {
        ...orderSynced,
        fields: { ...orderSynced.fields, Stripe_ID__c: { value: stripeId, displayValue: null } },
      };
      const { element } = await mountWith({ order });

      expect(byId(element, 'stripe-object-label').textContent).toBe(label);
      await expectAccessible(element);
    });

    it('shows the error, its fix and the documentation link of a failed sync', async () => {
      const { element } = await mountWith({ order: orderFailed });

      expect(byId(element, 'status').classList).toContain('slds-theme_error');
      expect(byId(element, 'problem-message').textContent).toBe(orderFailed.fields.Stripe_Sync_Message__c.value);
      expect(byId(element, 'problem-fix').textContent).toContain(orderFailed.fields.Stripe_Sync_Fix__c.value);
      expect(byId(element, 'problem-doc-link').href).toBe(orderFailed.fields.Stripe_Sync_Doc_Link__c.value);
      expect(byId(element, 'stripe-object-link')).toBeNull();
      expect(byId(element, 'invoice')).toBeNull();
      expect(byId(element, 'retry-pending')).toBeNull();
      expect(syncButton(element).disabled).toBe(false);
      await expectAccessible(element);
    });

    it('says the relay retries a failure on its own while the latest request waits to be retried', async () => {
      const { element } = await mountWith({
        order: orderFailed,
        requests: requestList('Retrying', 'Attempt 1 of 11 failed; the relay tries again after 2030-01-15T10:31:00Z.'),
      });

      expect(byId(element, 'problem-message').textContent).toBe(orderFailed.fields.Stripe_Sync_Message__c.value);
      expect(byId(element, 'retry-pending').textContent).toBe('c.StripeOrderSync_RetryPending');
      await expectAccessible(element);
    });

    it('says an order that was never synced is not synced, with no links', async () => {
      const { element } = await mountWith({ order: orderNeverSynced, records: { count: 0, records: [] } });

      expect(byId(element, 'status').label).toBe('c.StripeOrderSync_NotSynced');
      expect(byId(element, 'last-sync').textContent).toBe('c.StripeOrderSync_NeverSynced');
      expect(deepAll(element, 'a')).toHaveLength(0);
      expect(byId(element, 'no-sync-records').textContent).toBe('c.StripeOrderSync_NoSyncRecords');
      expect(byId(element, 'sync-records')).toBeNull();
      await expectAccessible(element);
    });

    it('tells a user without access to the Stripe fields so, and offers no sync', async () => {
      const { element } = await mountWith({ order: orderWithoutFieldAccess });

      expect(byId(element, 'no-access').textContent).toBe('c.StripeOrderSync_NoAccess');
      expect(byId(element, 'status')).toBeNull();
      expect(syncButton(element).disabled).toBe(true);
      await expectAccessible(element);
    });

    it('shows why the order could not be loaded', async () => {
      const { element } = mountCard();
      getRecord.error({ message: 'The requested resource does not exist' }, 404, 'Not Found');
      await flushPromises();

      expect(byId(element, 'load-error').textContent).toBe(
        'c.StripeOrderSync_LoadError: The requested resource does not exist',
      );
      expect(syncButton(element).disabled).toBe(true);
      await expectAccessible(element);
    });
  });

  describe('shows the billing', () => {
    const withSummary = (summary) => ({
      ...orderSynced,
      fields: { ...orderSynced.fields, Stripe_Billing_Summary__c: { value: summary, displayValue: null } },
    });

    it("passes the Order's billing summary to the billing section, and offers Preview billing", async () => {
      const summary = JSON.stringify(scheduledSummary);
      const { element } = await mountWith({ order: withSummary(summary) });
      expect(byId(element, 'billing-summary').summary).toBe(summary);
      expect(byId(element, 'billing-preview').recordId).toBe(ORDER_ID);
      await expectAccessible(element);
    });

    it('shows no billing section before the relay wrote a summary', async () => {
      const { element } = await mountWith({ order: withSummary(null) });
      expect(byId(element, 'billing-summary')).toBeNull();
      expect(byId(element, 'billing-preview')).not.toBeNull();
      await expectAccessible(element);
    });

    it('leaves a Preview request to the preview: it is not followed as a sync', async () => {
      jest.useFakeTimers();
      const previewRequest = requestList('Queued');
      previewRequest.records[0].fields.Type__c = { value: 'Preview', displayValue: 'Preview' };
      const { element } = await mountWith({ requests: previewRequest });
      expect(syncButton(element).disabled).toBe(false);
      jest.advanceTimersByTime(POLL_INTERVAL_MS * 2);
      await flushPromises();
      expect(refreshApex).not.toHaveBeenCalled();
    });
  });

  describe('lists the latest Sync Records', () => {
    it('reads the newest Sync Records of the order through its related list', async () => {
      const { element } = await mountWith();

      const seen = [];
      getRelatedListRecords.emit(syncRecords, (config) => {
        seen.push(config);
        return false;
      });
      const recordsConfig = seen.find(isSyncRecords);
      expect(recordsConfig).toMatchObject({
        parentRecordId: ORDER_ID,
        pageSize: SYNC_RECORDS_SHOWN,
        sortBy: ['-Stripe_Sync_Record__c.LastModifiedDate'],
      });
      expect(recordsConfig.fields).toEqual(
        expect.arrayContaining([
          'Stripe_Sync_Record__c.Resolution_Status__c',
          'Stripe_Sync_Record__c.Resolution_Message__c',
        ]),
      );
      const requestsConfig = seen.find(isRequests);
      expect(requestsConfig).toMatchObject({
        parentRecordId: ORDER_ID,
        pageSize: 1,
        sortBy: ['-Stripe_Sync_Request__c.CreatedDate'],
      });
      await expectAccessible(element);
    });

    it('shows them in a datatable with url columns for the documentation and the Stripe request log', async () => {
      const { element } = await mountWith();

      const table = byId(element, 'sync-records');
      expect(table.data).toEqual([
        {
          id: 'a01000000000001AAA',
          status: 'Error',
          record: 'OrderItem 802000000000001AAA',
          message: 'Data Error: Quantity specified as a decimal value. Only integers are supported.',
          updated: '2030-01-15T10:30:00.000Z',
          documentationLink: 'https://docs.stripe.com/connectors/salesforce-cpq/error-handling',
          stripeRequestLink: null,
        },
        {
          id: 'a01000000000002AAA',
          status: 'Success',
          record: 'Account 001000000000001AAA',
          message: 'Created Stripe Customer with Id: cus_123',
          updated: '2030-01-15T10:29:00.000Z',
          documentationLink: 'https://docs.stripe.com/connectors/salesforce-cpq/overview',
          stripeRequestLink: 'https://dashboard.stripe.com/test/logs/req_123',
        },
      ]);
      const urlColumns = table.columns.filter((column) => column.type === 'url').map((column) => column.fieldName);
      expect(urlColumns).toEqual(['documentationLink', 'stripeRequestLink']);
      await expectAccessible(element);
    });
  });

  describe('Sync now', () => {
    it('creates a Stripe_Sync_Request__c for the order through the UI API and confirms with a toast', async () => {
      createRecord.mockResolvedValue({ id: REQUEST_ID });
      const { element, toasts } = await mountWith();

      syncButton(element).click();
      await flushPromises();

      expect(createRecord).toHaveBeenCalledTimes(1);
      const [input] = createRecord.mock.calls[0];
      expect(input.apiName).toBe('Stripe_Sync_Request__c');
      expect(input.fields).toEqual({
        Order__c: ORDER_ID,
        Requested_By__c: USER_ID,
        Requested_At__c: expect.any(String),
      });
      expect(new Date(input.fields.Requested_At__c).toISOString()).toBe(input.fields.Requested_At__c);
      expect(toasts).toEqual([
        {
          variant: 'success',
          title: 'c.StripeOrderSync_RequestedTitle',
          message: 'c.StripeOrderSync_RequestedMessage',
        },
      ]);
      expect(syncButton(element).disabled).toBe(true);
      await expectAccessible(element);
    });

    it('is disabled, and ignores clicks, while the request is being created', async () => {
      let resolveCreate;
      createRecord.mockReturnValue(new Promise((resolve) => (resolveCreate = resolve)));
      const { element } = await mountWith();

      syncButton(element).click();
      await flushPromises();
      expect(syncButton(element).disabled).toBe(true);
      syncButton(element).click();
      expect(createRecord).toHaveBeenCalledTimes(1);

      resolveCreate({ id: REQUEST_ID });
      await flushPromises();
      await expectAccessible(element);
    });

    it('stays disabled while the related list still shows the previous, ended request', async () => {
      createRecord.mockResolvedValue({ id: REQUEST_ID });
      const { element, toasts } = await mountWith({ requests: requestList('Synced', null, 'a02000000000000AAA') });

      syncButton(element).click();
      await flushPromises();
      getRelatedListRecords.emit(requestList('Synced', null, 'a02000000000000AAA'), isRequests);
      await flushPromises();

      expect(syncButton(element).disabled).toBe(true);
      expect(toasts.map((t) => t.title)).toEqual(['c.StripeOrderSync_RequestedTitle']);
      await expectAccessible(element);
    });

    it('shows the reason in an error toast when the request cannot be created, and can be tried again', async () => {
      createRecord.mockRejectedValue({
        body: {
          message: 'insufficient access rights',
          output: { errors: [{ message: 'You do not have access to Stripe Sync Requests.' }], fieldErrors: {} },
        },
      });
      const { element, toasts } = await mountWith();

      syncButton(element).click();
      await flushPromises();

      expect(toasts).toEqual([
        {
          variant: 'error',
          title: 'c.StripeOrderSync_RequestErrorTitle',
          message: 'You do not have access to Stripe Sync Requests.',
        },
      ]);
      expect(syncButton(element).disabled).toBe(false);
      await expectAccessible(element);
    });

    it.each(['Queued', 'Syncing'])('is disabled while the latest request is %s', async (status) => {
      const { element } = await mountWith({ requests: requestList(status) });

      expect(syncButton(element).disabled).toBe(true);
      await expectAccessible(element);
    });

    it.each(['Synced', 'Failed', 'Retrying'])('is enabled when the latest request is %s', async (status) => {
      const { element } = await mountWith({ requests: requestList(status) });

      expect(syncButton(element).disabled).toBe(false);
      await expectAccessible(element);
    });
  });

  describe('follows the request until it ends', () => {
    async function requestSync() {
      jest.useFakeTimers();
      createRecord.mockResolvedValue({ id: REQUEST_ID });
      const card = await mountWith();
      syncButton(card.element).click();
      await flushPromises();
      card.toasts.length = 0;
      return card;
    }

    it('re-reads the request every poll interval', async () => {
      const { element } = await requestSync();

      expect(refreshApex).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
      expect(refreshApex).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
      expect(refreshApex).toHaveBeenCalledTimes(2);
      await expectAccessible(element);
    });

    it('on success: toasts the outcome, refreshes the order and the Sync Records, and stops polling', async () => {
      const { element, toasts } = await requestSync();
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
      getRelatedListRecords.emit(requestList('Syncing'), isRequests);
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
      expect(toasts).toEqual([]);

      getRelatedListRecords.emit(requestList('Synced', 'Synced 1 order: sub_sched_123'), isRequests);
      await flushPromises();

      expect(toasts).toEqual([
        { variant: 'success', title: 'c.StripeOrderSync_SyncedTitle', message: 'Synced 1 order: sub_sched_123' },
      ]);
      expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: ORDER_ID }]);
      const refreshed = refreshApex.mock.calls.map(([result]) => result.data);
      expect(refreshed).toContain(syncRecords);
      expect(syncButton(element).disabled).toBe(false);

      const calls = refreshApex.mock.calls.length;
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5);
      expect(refreshApex).toHaveBeenCalledTimes(calls);
      await expectAccessible(element);
    });

    it('on failure: toasts the error message and refreshes the order', async () => {
      const { element, toasts } = await requestSync();
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);

      getRelatedListRecords.emit(
        requestList('Failed', 'Data Error: Quantity specified as a decimal value.'),
        isRequests,
      );
      await flushPromises();

      expect(toasts).toEqual([
        {
          variant: 'error',
          title: 'c.StripeOrderSync_FailedTitle',
          message: 'Data Error: Quantity specified as a decimal value.',
        },
      ]);
      expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: ORDER_ID }]);
      await expectAccessible(element);
    });

    it('on a retryable failure: warns that the relay retries it, says so on the card, stops polling and offers Sync now', async () => {
      const { element, toasts } = await requestSync();
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
      const message =
        'Stripe Error: The request rate limit was exceeded. Fix: Wait a moment.\nAttempt 1 of 11 failed; the relay tries again after 2030-01-15T10:31:00Z.';

      getRelatedListRecords.emit(requestList('Retrying', message), isRequests);
      getRecord.emit(orderFailed);
      await flushPromises();

      expect(toasts).toEqual([{ variant: 'warning', title: 'c.StripeOrderSync_RetryingTitle', message }]);
      expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: ORDER_ID }]);
      expect(byId(element, 'retry-pending').textContent).toBe('c.StripeOrderSync_RetryPending');
      expect(syncButton(element).disabled).toBe(false);
      const calls = refreshApex.mock.calls.length;
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);
      expect(refreshApex).toHaveBeenCalledTimes(calls);
      await expectAccessible(element);
    });

    it(`gives up after ${MAX_POLLS} polls with an info toast when the request never ends`, async () => {
      const { element, toasts } = await requestSync();

      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * (MAX_POLLS + 10));

      expect(refreshApex).toHaveBeenCalledTimes(MAX_POLLS);
      expect(toasts).toEqual([
        {
          variant: 'info',
          title: 'c.StripeOrderSync_StillRunningTitle',
          message: 'c.StripeOrderSync_StillRunningMessage',
        },
      ]);
      expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
      // The request is still queued, so a second one is not offered.
      expect(syncButton(element).disabled).toBe(true);
      await expectAccessible(element);
    });

    it('follows a request that was already queued when the page opened', async () => {
      jest.useFakeTimers();
      const { element, toasts } = await mountWith({ requests: requestList('Queued') });

      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
      expect(refreshApex).toHaveBeenCalledTimes(1);
      getRelatedListRecords.emit(requestList('Synced'), isRequests);
      await flushPromises();

      expect(toasts).toEqual([
        { variant: 'success', title: 'c.StripeOrderSync_SyncedTitle', message: 'c.StripeOrderSync_SyncedMessage' },
      ]);
      await expectAccessible(element);
    });

    it('stops polling when the card is removed from the page', async () => {
      const { element } = await requestSync();

      document.body.removeChild(element);
      await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);

      expect(refreshApex).not.toHaveBeenCalled();
    });
  });
});
