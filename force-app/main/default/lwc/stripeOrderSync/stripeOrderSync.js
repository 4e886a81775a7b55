import { LightningElement, api, wire } from 'lwc';
import { createRecord, getFieldValue, getRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import USER_ID from '@salesforce/user/Id';
import { reduceErrors } from 'c/ldsUtils';
import { isActive, SyncRequestWatcher } from 'c/syncRequestWatcher';
import { SUMMARY_FIELDS } from 'c/stripeSyncSummary';

import SYNC_STATUS from '@salesforce/schema/Order.Stripe_Sync_Status__c';
import SYNC_MESSAGE from '@salesforce/schema/Order.Stripe_Sync_Message__c';
import SYNC_FIX from '@salesforce/schema/Order.Stripe_Sync_Fix__c';
import SYNC_DOC_LINK from '@salesforce/schema/Order.Stripe_Sync_Doc_Link__c';
import BILLING_SUMMARY from '@salesforce/schema/Order.Stripe_Billing_Summary__c';

import SYNC_REQUEST from '@salesforce/schema/Stripe_Sync_Request__c';
import REQUEST_ORDER from '@salesforce/schema/Stripe_Sync_Request__c.Order__c';
import REQUEST_STATUS from '@salesforce/schema/Stripe_Sync_Request__c.Status__c';
import REQUEST_MESSAGE from '@salesforce/schema/Stripe_Sync_Request__c.Message__c';
import REQUEST_TYPE from '@salesforce/schema/Stripe_Sync_Request__c.Type__c';
import REQUESTED_BY from '@salesforce/schema/Stripe_Sync_Request__c.Requested_By__c';
import REQUESTED_AT from '@salesforce/schema/Stripe_Sync_Request__c.Requested_At__c';
import REQUEST_CREATED_DATE from '@salesforce/schema/Stripe_Sync_Request__c.CreatedDate';

import RECORD_STATUS from '@salesforce/schema/Stripe_Sync_Record__c.Resolution_Status__c';
import RECORD_MESSAGE from '@salesforce/schema/Stripe_Sync_Record__c.Resolution_Message__c';
import RECORD_OBJECT_TYPE from '@salesforce/schema/Stripe_Sync_Record__c.Secondary_Object_Type__c';
import RECORD_ID from '@salesforce/schema/Stripe_Sync_Record__c.Secondary_Record_ID__c';
import RECORD_DOC_LINK from '@salesforce/schema/Stripe_Sync_Record__c.Resolution_Documentation_Link__c';
import RECORD_REQUEST_LINK from '@salesforce/schema/Stripe_Sync_Record__c.Stripe_Request_Dashboard_Link__c';
import RECORD_UPDATED from '@salesforce/schema/Stripe_Sync_Record__c.LastModifiedDate';

import cardTitle from '@salesforce/label/c.StripeOrderSync_CardTitle';
import syncNow from '@salesforce/label/c.StripeOrderSync_SyncNow';
import loading from '@salesforce/label/c.StripeOrderSync_Loading';
import errorHeading from '@salesforce/label/c.StripeOrderSync_ErrorHeading';
import noAccess from '@salesforce/label/c.StripeOrderSync_NoAccess';
import loadError from '@salesforce/label/c.StripeOrderSync_LoadError';
import requestedTitle from '@salesforce/label/c.StripeOrderSync_RequestedTitle';
import requestedMessage from '@salesforce/label/c.StripeOrderSync_RequestedMessage';
import requestErrorTitle from '@salesforce/label/c.StripeOrderSync_RequestErrorTitle';
import syncedTitle from '@salesforce/label/c.StripeOrderSync_SyncedTitle';
import syncedMessage from '@salesforce/label/c.StripeOrderSync_SyncedMessage';
import failedTitle from '@salesforce/label/c.StripeOrderSync_FailedTitle';
import retryingTitle from '@salesforce/label/c.StripeOrderSync_RetryingTitle';
import retryPending from '@salesforce/label/c.StripeOrderSync_RetryPending';
import stillRunningTitle from '@salesforce/label/c.StripeOrderSync_StillRunningTitle';
import stillRunningMessage from '@salesforce/label/c.StripeOrderSync_StillRunningMessage';

export { MAX_POLLS, POLL_INTERVAL_MS } from 'c/syncRequestWatcher';

const LABELS = { cardTitle, syncNow, loading, errorHeading, noAccess, loadError, retryPending };

/** Sync Records shown on the card; the full list is the order's Stripe Sync Records related list. */
export const SYNC_RECORDS_SHOWN = 5;

// Fields the card shows. Optional, so a user without access to some of them still gets the card.
const ORDER_FIELDS = [...SUMMARY_FIELDS, SYNC_MESSAGE, SYNC_FIX, SYNC_DOC_LINK, BILLING_SUMMARY];

const qualified = (field) => `${field.objectApiName}.${field.fieldApiName}`;
const valueOf = (record, field) => record.fields[field.fieldApiName]?.value ?? null;

function toSyncRecordRow(record) {
  return {
    id: record.id,
    status: record.fields[RECORD_STATUS.fieldApiName]?.displayValue ?? valueOf(record, RECORD_STATUS),
    record: [valueOf(record, RECORD_OBJECT_TYPE), valueOf(record, RECORD_ID)].filter(Boolean).join(' '),
    message: valueOf(record, RECORD_MESSAGE),
    updated: valueOf(record, RECORD_UPDATED),
    documentationLink: valueOf(record, RECORD_DOC_LINK),
    stripeRequestLink: valueOf(record, RECORD_REQUEST_LINK),
  };
}

/**
 * The Stripe card on the Order page: it reads the order, its latest sync request and Sync Records, files a
 * sync request on "Sync now" and follows it to its end (c/syncRequestWatcher). What it shows is drawn by its
 * children: the sync summary, the error panel, the billing summary and preview, the Sync Records table.
 */
export default class StripeOrderSync extends LightningElement {
  @api recordId;

  labels = LABELS;
  order;
  orderError;
  syncRecordRows = [];
  /** The order's latest sync request: { id, status, message }. */
  latestRequest;
  submitting = false;
  requestsResult;
  syncRecordsResult;
  watcher = new SyncRequestWatcher({
    refresh: () => refreshApex(this.requestsResult),
    onEnded: (request) => this.requestEnded(request),
    onGaveUp: () => this.toast('info', stillRunningTitle, stillRunningMessage),
  });

  @wire(getRecord, { recordId: '$recordId', optionalFields: ORDER_FIELDS })
  wiredOrder({ data, error }) {
    this.order = data;
    this.orderError = error ? reduceErrors(error).join(' ') : undefined;
  }

  @wire(getRelatedListRecords, {
    parentRecordId: '$recordId',
    relatedListId: 'Stripe_Sync_Requests__r',
    fields: [qualified(REQUEST_STATUS), qualified(REQUEST_MESSAGE)],
    optionalFields: [qualified(REQUEST_TYPE)],
    sortBy: [`-${qualified(REQUEST_CREATED_DATE)}`],
    pageSize: 1,
  })
  wiredRequests(result) {
    this.requestsResult = result;
    const latest = result.data?.records?.[0];
    // A Preview request is the preview's own business (c-stripe-billing-preview), not a sync to follow.
    if (!latest || valueOf(latest, REQUEST_TYPE) === 'Preview') return;
    const request = {
      id: latest.id,
      status: valueOf(latest, REQUEST_STATUS),
      message: valueOf(latest, REQUEST_MESSAGE),
    };
    if (this.watcher.seen(request)) this.latestRequest = request;
  }

  @wire(getRelatedListRecords, {
    parentRecordId: '$recordId',
    relatedListId: 'Stripe_Sync_Records__r',
    fields: [
      RECORD_STATUS,
      RECORD_MESSAGE,
      RECORD_OBJECT_TYPE,
      RECORD_ID,
      RECORD_DOC_LINK,
      RECORD_REQUEST_LINK,
      RECORD_UPDATED,
    ].map(qualified),
    sortBy: [`-${qualified(RECORD_UPDATED)}`],
    pageSize: SYNC_RECORDS_SHOWN,
  })
  wiredSyncRecords(result) {
    this.syncRecordsResult = result;
    this.syncRecordRows = (result.data?.records ?? []).map(toSyncRecordRow);
  }

  disconnectedCallback() {
    this.watcher.stop();
  }

  get isLoading() {
    return !this.order && !this.orderError;
  }

  /** Without read access to the status field the user sees nothing of Stripe: say so instead of an empty card. */
  get hasNoAccess() {
    return !!this.order && this.order.fields[SYNC_STATUS.fieldApiName] === undefined;
  }

  get hasOrder() {
    return !!this.order && !this.hasNoAccess;
  }

  get isSyncDisabled() {
    return !this.hasOrder || this.submitting || isActive(this.latestRequest?.status);
  }

  get hasFailed() {
    return getFieldValue(this.order, SYNC_STATUS) === 'Failed';
  }

  /** The failed sync as the error panel shows it: the order's message, fix and documentation link. */
  get failure() {
    return [
      {
        message: getFieldValue(this.order, SYNC_MESSAGE),
        fix: getFieldValue(this.order, SYNC_FIX),
        documentationLink: getFieldValue(this.order, SYNC_DOC_LINK),
      },
    ];
  }

  get isRetryPending() {
    return this.latestRequest?.status === 'Retrying';
  }

  /** The relay's billing summary (JSON text); c-stripe-billing-summary reads and checks it. */
  get billingSummary() {
    return getFieldValue(this.order, BILLING_SUMMARY);
  }

  async handleSyncNow() {
    if (this.isSyncDisabled) return; // a second click before the button re-renders disabled
    this.submitting = true;
    try {
      const request = await createRecord({
        apiName: SYNC_REQUEST.objectApiName,
        fields: {
          [REQUEST_ORDER.fieldApiName]: this.recordId,
          [REQUESTED_BY.fieldApiName]: USER_ID,
          [REQUESTED_AT.fieldApiName]: new Date().toISOString(),
        },
      });
      this.latestRequest = { id: request.id, status: 'Queued', message: null };
      this.toast('success', requestedTitle, requestedMessage);
      this.watcher.watch(request.id);
    } catch (error) {
      this.toast('error', requestErrorTitle, reduceErrors(error).join(' '));
    } finally {
      this.submitting = false;
    }
  }

  /** The followed request ended: say how, and re-read the order and its Sync Records. */
  requestEnded(request) {
    if (request.status === 'Synced') {
      this.toast('success', syncedTitle, request.message || syncedMessage);
    } else if (request.status === 'Retrying') {
      this.toast('warning', retryingTitle, request.message || '');
    } else {
      this.toast('error', failedTitle, request.message || '');
    }
    notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
    refreshApex(this.syncRecordsResult);
  }

  toast(variant, title, message) {
    this.dispatchEvent(new ShowToastEvent({ variant, title, message }));
  }
}
