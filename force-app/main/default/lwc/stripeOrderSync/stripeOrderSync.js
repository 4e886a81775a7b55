import { LightningElement, api, wire } from 'lwc';
import { createRecord, getFieldDisplayValue, getFieldValue, getRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import USER_ID from '@salesforce/user/Id';
import { reduceErrors } from 'c/ldsUtils';

import STRIPE_ID from '@salesforce/schema/Order.Stripe_ID__c';
import SYNC_STATUS from '@salesforce/schema/Order.Stripe_Sync_Status__c';
import LAST_SYNC from '@salesforce/schema/Order.Stripe_Last_Sync__c';
import SYNC_MESSAGE from '@salesforce/schema/Order.Stripe_Sync_Message__c';
import SYNC_FIX from '@salesforce/schema/Order.Stripe_Sync_Fix__c';
import SYNC_DOC_LINK from '@salesforce/schema/Order.Stripe_Sync_Doc_Link__c';
import CUSTOMER_LINK from '@salesforce/schema/Order.Stripe_Customer_Link__c';
import STRIPE_OBJECT_LINK from '@salesforce/schema/Order.Stripe_Dashboard_Link__c';
import INVOICE_LINK from '@salesforce/schema/Order.Stripe_Invoice_Dashboard_Link__c';
import INVOICE_PAYMENT_LINK from '@salesforce/schema/Order.Stripe_Invoice_Payment_Link__c';
import INVOICE_STATUS from '@salesforce/schema/Order.Stripe_Invoice_Status__c';
import INVOICE_AMOUNT_DUE from '@salesforce/schema/Order.Stripe_Invoice_Amount_Due__c';
import INVOICE_AMOUNT_PAID from '@salesforce/schema/Order.Stripe_Invoice_Amount_Paid__c';
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
import status from '@salesforce/label/c.StripeOrderSync_Status';
import notSynced from '@salesforce/label/c.StripeOrderSync_NotSynced';
import lastSync from '@salesforce/label/c.StripeOrderSync_LastSync';
import neverSynced from '@salesforce/label/c.StripeOrderSync_NeverSynced';
import customer from '@salesforce/label/c.StripeOrderSync_Customer';
import schedule from '@salesforce/label/c.StripeOrderSync_Schedule';
import subscription from '@salesforce/label/c.StripeOrderSync_Subscription';
import oneTimeInvoice from '@salesforce/label/c.StripeOrderSync_OneTimeInvoice';
import latestInvoice from '@salesforce/label/c.StripeOrderSync_LatestInvoice';
import openInStripe from '@salesforce/label/c.StripeOrderSync_OpenInStripe';
import paymentPage from '@salesforce/label/c.StripeOrderSync_PaymentPage';
import invoiceStatus from '@salesforce/label/c.StripeOrderSync_InvoiceStatus';
import amountDue from '@salesforce/label/c.StripeOrderSync_AmountDue';
import amountPaid from '@salesforce/label/c.StripeOrderSync_AmountPaid';
import errorHeading from '@salesforce/label/c.StripeOrderSync_ErrorHeading';
import fix from '@salesforce/label/c.StripeOrderSync_Fix';
import documentation from '@salesforce/label/c.StripeOrderSync_Documentation';
import syncRecords from '@salesforce/label/c.StripeOrderSync_SyncRecords';
import noSyncRecords from '@salesforce/label/c.StripeOrderSync_NoSyncRecords';
import columnStatus from '@salesforce/label/c.StripeOrderSync_ColumnStatus';
import columnRecord from '@salesforce/label/c.StripeOrderSync_ColumnRecord';
import columnMessage from '@salesforce/label/c.StripeOrderSync_ColumnMessage';
import columnUpdated from '@salesforce/label/c.StripeOrderSync_ColumnUpdated';
import columnStripeLog from '@salesforce/label/c.StripeOrderSync_ColumnStripeLog';
import stripeLog from '@salesforce/label/c.StripeOrderSync_StripeLog';
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

const LABELS = {
    cardTitle, syncNow, loading, status, lastSync, neverSynced, customer, latestInvoice, openInStripe,
    paymentPage, invoiceStatus, amountDue, amountPaid, errorHeading, fix, documentation, syncRecords, noSyncRecords,
    noAccess, loadError, retryPending
};

/** How often, and how many times, a running sync request is re-read before the card stops waiting for it. */
export const POLL_INTERVAL_MS = 3000;
export const MAX_POLLS = 20;
/** Sync Records shown on the card; the full list is the order's Stripe Sync Records related list. */
export const SYNC_RECORDS_SHOWN = 5;

// A Retrying request (a rate limit or outage) waits for its next attempt: Sync now may force one sooner.
const ACTIVE_REQUEST_STATUSES = new Set(['Queued', 'Syncing']);
/** What the order became in Stripe, by the prefix of its Stripe id (spec §2.11). */
const STRIPE_OBJECT_LABELS = [
    ['sub_sched_', schedule],
    ['sub_', subscription],
    ['in_', oneTimeInvoice]
];
const STATUS_BADGE_CLASSES = { Synced: 'slds-theme_success', Failed: 'slds-theme_error', Queued: 'slds-theme_warning', Syncing: 'slds-theme_warning' };

// Fields the card shows. Optional, so a user without access to some of them still gets the card.
const ORDER_FIELDS = [STRIPE_ID, SYNC_STATUS, LAST_SYNC, SYNC_MESSAGE, SYNC_FIX, SYNC_DOC_LINK, CUSTOMER_LINK, STRIPE_OBJECT_LINK, INVOICE_LINK,
    INVOICE_PAYMENT_LINK, INVOICE_STATUS, INVOICE_AMOUNT_DUE, INVOICE_AMOUNT_PAID, BILLING_SUMMARY];

const COLUMNS = [
    { label: columnStatus, fieldName: 'status', initialWidth: 100 },
    { label: columnRecord, fieldName: 'record' },
    { label: columnMessage, fieldName: 'message', wrapText: true },
    { label: columnUpdated, fieldName: 'updated', initialWidth: 170, type: 'date', typeAttributes: { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' } },
    { label: documentation, fieldName: 'documentationLink', initialWidth: 140, type: 'url', typeAttributes: { label: documentation, target: '_blank' } },
    { label: columnStripeLog, fieldName: 'stripeRequestLink', initialWidth: 120, type: 'url', typeAttributes: { label: stripeLog, target: '_blank' } }
];

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
        stripeRequestLink: valueOf(record, RECORD_REQUEST_LINK)
    };
}

export default class StripeOrderSync extends LightningElement {
    @api recordId;

    labels = LABELS;
    columns = COLUMNS;
    order;
    orderError;
    syncRecordRows = [];
    /** The order's latest sync request: { id, status, message }. */
    latestRequest;
    submitting = false;
    /** The request the card waits for: { id, polls, ended }. */
    watched;
    pollTimer;
    requestsResult;
    syncRecordsResult;

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
        pageSize: 1
    })
    wiredRequests(result) {
        this.requestsResult = result;
        const latest = result.data?.records?.[0];
        // A Preview request is the preview's own business (c-stripe-billing-preview), not a sync to follow.
        if (!latest || valueOf(latest, REQUEST_TYPE) === 'Preview') return;
        const request = { id: latest.id, status: valueOf(latest, REQUEST_STATUS), message: valueOf(latest, REQUEST_MESSAGE) };
        // Until the list catches up with a request just created, it still shows the previous, ended one.
        const waitingForAnother = this.watched && !this.watched.ended && this.watched.id !== request.id;
        if (waitingForAnother && !ACTIVE_REQUEST_STATUSES.has(request.status)) return;
        this.latestRequest = request;
        this.followLatestRequest();
    }

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: 'Stripe_Sync_Records__r',
        fields: [RECORD_STATUS, RECORD_MESSAGE, RECORD_OBJECT_TYPE, RECORD_ID, RECORD_DOC_LINK, RECORD_REQUEST_LINK, RECORD_UPDATED].map(qualified),
        sortBy: [`-${qualified(RECORD_UPDATED)}`],
        pageSize: SYNC_RECORDS_SHOWN
    })
    wiredSyncRecords(result) {
        this.syncRecordsResult = result;
        this.syncRecordRows = (result.data?.records ?? []).map(toSyncRecordRow);
    }

    disconnectedCallback() {
        clearTimeout(this.pollTimer);
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
        return !this.hasOrder || this.submitting || ACTIVE_REQUEST_STATUSES.has(this.latestRequest?.status);
    }

    get syncStatus() {
        return getFieldValue(this.order, SYNC_STATUS);
    }

    get statusLabel() {
        return getFieldDisplayValue(this.order, SYNC_STATUS) ?? this.syncStatus ?? notSynced;
    }

    get statusBadgeClass() {
        return STATUS_BADGE_CLASSES[this.syncStatus] ?? '';
    }

    get lastSync() {
        return getFieldValue(this.order, LAST_SYNC);
    }

    get hasFailed() {
        return this.syncStatus === 'Failed';
    }

    get isRetryPending() {
        return this.latestRequest?.status === 'Retrying';
    }

    get syncMessage() {
        return getFieldValue(this.order, SYNC_MESSAGE);
    }

    get syncFix() {
        return getFieldValue(this.order, SYNC_FIX);
    }

    get syncDocLink() {
        return getFieldValue(this.order, SYNC_DOC_LINK);
    }

    get customerLink() {
        return getFieldValue(this.order, CUSTOMER_LINK);
    }

    get stripeObjectLabel() {
        const stripeId = getFieldValue(this.order, STRIPE_ID) ?? '';
        return STRIPE_OBJECT_LABELS.find(([prefix]) => stripeId.startsWith(prefix))?.[1] ?? subscription;
    }

    get stripeObjectLink() {
        return getFieldValue(this.order, STRIPE_OBJECT_LINK);
    }

    get invoiceLink() {
        return getFieldValue(this.order, INVOICE_LINK);
    }

    get invoicePaymentLink() {
        return getFieldValue(this.order, INVOICE_PAYMENT_LINK);
    }

    get invoiceStatus() {
        return getFieldDisplayValue(this.order, INVOICE_STATUS) ?? getFieldValue(this.order, INVOICE_STATUS);
    }

    /** Money is shown as the UI API formats it (currency and locale), never re-computed here. */
    get invoiceAmountDue() {
        return getFieldDisplayValue(this.order, INVOICE_AMOUNT_DUE);
    }

    get invoiceAmountPaid() {
        return getFieldDisplayValue(this.order, INVOICE_AMOUNT_PAID);
    }

    get hasInvoice() {
        return !!(this.invoiceLink || this.invoicePaymentLink || this.invoiceStatus);
    }

    /** The relay's billing summary (JSON text); c-stripe-billing-summary reads and checks it. */
    get billingSummary() {
        return getFieldValue(this.order, BILLING_SUMMARY);
    }

    get hasSyncRecords() {
        return this.syncRecordRows.length > 0;
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
                    [REQUESTED_AT.fieldApiName]: new Date().toISOString()
                }
            });
            this.latestRequest = { id: request.id, status: 'Queued', message: null };
            this.toast('success', requestedTitle, requestedMessage);
            this.watch(request.id);
        } catch (error) {
            this.toast('error', requestErrorTitle, reduceErrors(error).join(' '));
        } finally {
            this.submitting = false;
        }
    }

    /** Waits for an active request (ours, or one queued before the page was opened) and reports its end. */
    followLatestRequest() {
        const request = this.latestRequest;
        const isWatched = this.watched?.id === request.id;
        if (ACTIVE_REQUEST_STATUSES.has(request.status)) {
            if (!isWatched) this.watch(request.id);
        } else if (isWatched && !this.watched.ended) {
            this.requestEnded(request);
        }
    }

    watch(requestId) {
        clearTimeout(this.pollTimer);
        this.watched = { id: requestId, polls: 0, ended: false };
        this.schedulePoll();
    }

    schedulePoll() {
        // Bounded polling: the request record is the only signal the relay gives, and it may be down.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.pollTimer = setTimeout(() => this.poll(), POLL_INTERVAL_MS);
    }

    async poll() {
        const watched = this.watched;
        watched.polls += 1;
        await refreshApex(this.requestsResult);
        if (watched.ended || watched !== this.watched) return;
        if (watched.polls < MAX_POLLS) {
            this.schedulePoll();
        } else {
            watched.ended = true;
            this.toast('info', stillRunningTitle, stillRunningMessage);
        }
    }

    requestEnded(request) {
        this.watched.ended = true;
        clearTimeout(this.pollTimer);
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
