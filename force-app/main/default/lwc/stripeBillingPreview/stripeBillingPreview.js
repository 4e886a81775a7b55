import { LightningElement, api, wire } from 'lwc';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import { refreshApex } from '@salesforce/apex';
import USER_ID from '@salesforce/user/Id';
import { reduceErrors } from 'c/ldsUtils';
import { readBillingPreview } from 'c/billingSummaryShape';

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
import fix from '@salesforce/label/c.StripeBillingPreview_Fix';
import documentation from '@salesforce/label/c.StripeBillingPreview_Documentation';
import previewHeading from '@salesforce/label/c.StripeBillingSummary_PreviewHeading';
import unreadable from '@salesforce/label/c.StripeBillingSummary_Unreadable';

const LABELS = { button, running, problemsHeading, nothingWritten, requestError, timedOut, noBilling, fix, documentation, previewHeading, unreadable };

/** The preview request is re-read this often, this many times, before the card stops waiting (as Sync now does). */
export const POLL_INTERVAL_MS = 3000;
export const MAX_POLLS = 20;

const RUNNING_STATUSES = new Set(['Queued', 'Syncing']);

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
    polls = 0;
    timedOutWaiting = false;
    errorMessage;
    pollTimer;

    @wire(getRecord, { recordId: '$requestId', fields: [REQUEST_STATUS, REQUEST_MESSAGE, PREVIEW_RESULT] })
    wiredRequest(result) {
        this.requestResult = result;
        if (result.data && result.data.id === this.requestId) this.request = result.data;
    }

    disconnectedCallback() {
        clearTimeout(this.pollTimer);
    }

    get status() {
        return this.request?.fields[REQUEST_STATUS.fieldApiName]?.value ?? (this.requestId ? 'Queued' : undefined);
    }

    get isRunning() {
        return RUNNING_STATUSES.has(this.status) && !this.timedOutWaiting;
    }

    get isDisabled() {
        return this.submitting || this.isRunning;
    }

    get hasResult() {
        return !!this.status && !RUNNING_STATUSES.has(this.status);
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
        return (this.preview?.problems ?? []).map((problem, index) => ({ ...problem, key: `problem-${index}` }));
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
                    [REQUESTED_AT.fieldApiName]: new Date().toISOString()
                }
            });
            this.request = undefined;
            this.requestId = request.id;
            this.polls = 0;
            this.timedOutWaiting = false;
            this.schedulePoll();
        } catch (error) {
            this.errorMessage = `${requestError}: ${reduceErrors(error).join(' ')}`;
        } finally {
            this.submitting = false;
        }
    }

    schedulePoll() {
        clearTimeout(this.pollTimer);
        // Bounded polling: the request record is the only signal the relay gives, and it may be down.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.pollTimer = setTimeout(() => this.poll(), POLL_INTERVAL_MS);
    }

    async poll() {
        this.polls += 1;
        await refreshApex(this.requestResult);
        if (!RUNNING_STATUSES.has(this.status)) return;
        if (this.polls < MAX_POLLS) this.schedulePoll();
        else this.timedOutWaiting = true;
    }
}
