import { LightningElement, api } from 'lwc';
import { getFieldDisplayValue, getFieldValue } from 'lightning/uiRecordApi';

import STRIPE_ID from '@salesforce/schema/Order.Stripe_ID__c';
import SYNC_STATUS from '@salesforce/schema/Order.Stripe_Sync_Status__c';
import LAST_SYNC from '@salesforce/schema/Order.Stripe_Last_Sync__c';
import CUSTOMER_LINK from '@salesforce/schema/Order.Stripe_Customer_Link__c';
import STRIPE_OBJECT_LINK from '@salesforce/schema/Order.Stripe_Dashboard_Link__c';
import INVOICE_LINK from '@salesforce/schema/Order.Stripe_Invoice_Dashboard_Link__c';
import INVOICE_PAYMENT_LINK from '@salesforce/schema/Order.Stripe_Invoice_Payment_Link__c';
import INVOICE_STATUS from '@salesforce/schema/Order.Stripe_Invoice_Status__c';
import INVOICE_AMOUNT_DUE from '@salesforce/schema/Order.Stripe_Invoice_Amount_Due__c';
import INVOICE_AMOUNT_PAID from '@salesforce/schema/Order.Stripe_Invoice_Amount_Paid__c';

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

const LABELS = {
  status,
  lastSync,
  neverSynced,
  customer,
  latestInvoice,
  openInStripe,
  paymentPage,
  invoiceStatus,
  amountDue,
  amountPaid,
};

/** What the order became in Stripe, by the prefix of its Stripe id (schedule, subscription or one-time invoice). */
const STRIPE_OBJECT_LABELS = [
  ['sub_sched_', schedule],
  ['sub_', subscription],
  ['in_', oneTimeInvoice],
];
const STATUS_BADGE_CLASSES = {
  Synced: 'slds-theme_success',
  Failed: 'slds-theme_error',
  Queued: 'slds-theme_warning',
  Syncing: 'slds-theme_warning',
};

/** The Order fields this summary shows; the card reads them (optional: a user may lack access to some). */
export const SUMMARY_FIELDS = [
  STRIPE_ID,
  SYNC_STATUS,
  LAST_SYNC,
  CUSTOMER_LINK,
  STRIPE_OBJECT_LINK,
  INVOICE_LINK,
  INVOICE_PAYMENT_LINK,
  INVOICE_STATUS,
  INVOICE_AMOUNT_DUE,
  INVOICE_AMOUNT_PAID,
];

/**
 * The order's sync at a glance: status badge, last sync, "Open in Stripe" links to the customer and to what the
 * order became, and the latest invoice with its payment page, status and amounts. Presentational: `order` is
 * the card's getRecord data.
 */
export default class StripeSyncSummary extends LightningElement {
  /** The Order record as the UI API gives it (fields with value and displayValue). */
  @api order;
  labels = LABELS;

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
}
