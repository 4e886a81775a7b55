import { LightningElement, api, wire } from 'lwc';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import { refreshApex } from '@salesforce/apex';
import USER_ID from '@salesforce/user/Id';
import { reduceErrors } from 'c/ldsUtils';
import { readBillingPreview } from 'c/billingSummaryShape';
import { isActive, SyncRequestWatcher } from 'c/syncRequestWatcher';

import SYNC_REQUEST from '@salesforce/schema/Stripe_Sync_Request__c';
import REQUEST_ORDER from '@salesforce/schema/Stripe_Sync_Request__c.Order__c';
import REQUEST_TYPE from '@salesforce/schema/Stripe_Sync_Request__c.Type__c';
import REQUEST_STATUS from '@salesforce/schema/Stripe_Sync_Request__c.Status__c';
import REQUEST_MESSAGE from '@salesforce/schema/Stripe_Sync_Request__c.Message__c';
import PREVIEW_RESULT from '@salesforce/schema/Stripe_Sync_Request__c.Preview_Result__c';
import REQUESTED_BY from '@salesforce/schema/Stripe_Sync_Request__c.Requested_By__c';
import REQUESTED_AT from '@salesforce/schema/Stripe_Sync_Request__c.Requested_At__c';

import button from '@salesforce/label/c.StripeBillingPreview_Button';
import running from '@salesforce/label/c.StripeBillingPreview_Running';
import problemsHeading from '@salesforce/label/c.StripeBillingPreview_Problems';
import nothingWritten from '@salesforce/label/c.StripeBillingPreview_NothingWritten';
import requestError from '@salesforce/label/c.StripeBillingPreview_RequestError';
import timedOut from '@salesforce/label/c.StripeBillingPreview_TimedOut';
import noBilling from '@salesforce/label/c.StripeBillingPreview_NoBilling';
import previewHeading from '@salesforce/label/c.StripeBillingSummary_PreviewHeading';
import unreadable from '@salesforce/label/c.StripeBillingSummary_Unreadable';

const LABELS = {
  button,
  running,
  problemsHeading,
  nothingWritten,
  requestError,
  timedOut,
  noBilling,
  previewHeading,
  unreadable,
};

/** The preview request is followed as Sync now's is (c/syncRequestWatcher). */
export { MAX_POLLS, POLL_INTERVAL_MS } from 'c/syncRequestWatcher';

/**
 * "Preview billing": files a Stripe_Sync_Request__c of type Preview for the order; the relay plans the sync of
 * the order as it stands, writing nothing to Stripe, and leaves the result on the request's Preview_Result__c:
 * the billing the sync would make, and the problems that would stop it with their fixes.
 */
export default class StripeBillingPreview extends LightningElement {
  @api recordId;
  labels = LABELS;
  requestId;
  request;
  requestResult;
  submitting = false;
  timedOutWaiting = false;
  errorMessage;
  // The result shows once the request is re-read as ended: nothing more to do when it ends.
  watcher = new SyncRequestWatcher({
    refresh: () => refreshApex(this.requestResult),
    onEnded: () => {},
    onGaveUp: () => (this.timedOutWaiting = true),
  });

  @wire(getRecord, { recordId: '$requestId', fields: [REQUEST_STATUS, REQUEST_MESSAGE, PREVIEW_RESULT] })
  wiredRequest(result) {
    this.requestResult = result;
    if (result.data && result.data.id === this.requestId) {
      this.request = result.data;
      this.watcher.seen({ id: this.requestId, status: this.status });
    }
  }

  disconnectedCallback() {
    this.watcher.stop();
  }

  get status() {
    return this.request?.fields[REQUEST_STATUS.fieldApiName]?.value ?? (this.requestId ? 'Queued' : undefined);
  }

  get isRunning() {
    return isActive(this.status) && !this.timedOutWaiting;
  }

  get isDisabled() {
    return this.submitting || this.isRunning;
  }

  get hasResult() {
    return !!this.status && !isActive(this.status);
  }

  get preview() {
    return readBillingPreview(this.request?.fields[PREVIEW_RESULT.fieldApiName]?.value);
  }

  get isUnreadable() {
    return this.hasResult && !this.preview;
  }

  /** A request that ended without a preview (the relay failed): its message. */
  get requestMessage() {
    return this.request?.fields[REQUEST_MESSAGE.fieldApiName]?.value;
  }

  get problems() {
    return this.preview?.problems ?? [];
  }

  get hasProblems() {
    return this.problems.length > 0;
  }

  get summary() {
    return this.preview?.summary ?? null;
  }

  get hasNoBilling() {
    return !!this.preview && !this.summary && !this.hasProblems;
  }

  async handlePreview() {
    if (this.isDisabled) return;
    this.submitting = true;
    this.errorMessage = undefined;
    try {
      const request = await createRecord({
        apiName: SYNC_REQUEST.objectApiName,
        fields: {
          [REQUEST_ORDER.fieldApiName]: this.recordId,
          [REQUEST_TYPE.fieldApiName]: 'Preview',
          [REQUESTED_BY.fieldApiName]: USER_ID,
          [REQUESTED_AT.fieldApiName]: new Date().toISOString(),
        },
      });
      this.request = undefined;
      this.requestId = request.id;
      this.timedOutWaiting = false;
      this.watcher.watch(request.id);
    } catch (error) {
      this.errorMessage = `${requestError}: ${reduceErrors(error).join(' ')}`;
    } finally {
      this.submitting = false;
    }
  }
}
