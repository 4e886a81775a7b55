import { LightningElement, api } from 'lwc';
import { formatLabel as format } from 'c/labelFormat';
import { readBillingSummary } from 'c/billingSummaryShape';

import heading from '@salesforce/label/c.StripeBillingSummary_Heading';
import unreadable from '@salesforce/label/c.StripeBillingSummary_Unreadable';
import scheduled from '@salesforce/label/c.StripeBillingSummary_Scheduled';
import evergreen from '@salesforce/label/c.StripeBillingSummary_Evergreen';
import oneTime from '@salesforce/label/c.StripeBillingSummary_OneTime';
import phaseTitle from '@salesforce/label/c.StripeBillingSummary_Phase';
import until from '@salesforce/label/c.StripeBillingSummary_Until';
import product from '@salesforce/label/c.StripeBillingSummary_Product';
import quantity from '@salesforce/label/c.StripeBillingSummary_Quantity';
import amount from '@salesforce/label/c.StripeBillingSummary_Amount';
import billed from '@salesforce/label/c.StripeBillingSummary_Billed';
import oneTimeItems from '@salesforce/label/c.StripeBillingSummary_OneTimeItems';
import coupons from '@salesforce/label/c.StripeBillingSummary_Coupons';
import phaseTotal from '@salesforce/label/c.StripeBillingSummary_PhaseTotal';
import total from '@salesforce/label/c.StripeBillingSummary_Total';
import nextInvoice from '@salesforce/label/c.StripeBillingSummary_NextInvoice';
import nextRenewal from '@salesforce/label/c.StripeBillingSummary_NextRenewal';
import latestInvoice from '@salesforce/label/c.StripeBillingSummary_LatestInvoice';
import amountDue from '@salesforce/label/c.StripeBillingSummary_AmountDue';
import paymentPage from '@salesforce/label/c.StripeBillingSummary_PaymentPage';
import tcv from '@salesforce/label/c.StripeBillingSummary_Tcv';
import mrr from '@salesforce/label/c.StripeBillingSummary_Mrr';
import usageBased from '@salesforce/label/c.StripeBillingSummary_UsageBased';
import per from '@salesforce/label/c.StripeBillingSummary_Per';
import every from '@salesforce/label/c.StripeBillingSummary_Every';
import day from '@salesforce/label/c.StripeBillingSummary_Day';
import week from '@salesforce/label/c.StripeBillingSummary_Week';
import month from '@salesforce/label/c.StripeBillingSummary_Month';
import year from '@salesforce/label/c.StripeBillingSummary_Year';
import days from '@salesforce/label/c.StripeBillingSummary_Days';
import weeks from '@salesforce/label/c.StripeBillingSummary_Weeks';
import months from '@salesforce/label/c.StripeBillingSummary_Months';
import years from '@salesforce/label/c.StripeBillingSummary_Years';
import itemsOmitted from '@salesforce/label/c.StripeBillingSummary_ItemsOmitted';
import timeline from '@salesforce/label/c.StripeBillingSummary_Timeline';

const LABELS = {
  unreadable,
  until,
  product,
  quantity,
  amount,
  billed,
  oneTimeItems,
  coupons,
  phaseTotal,
  total,
  latestInvoice,
  amountDue,
  paymentPage,
  usageBased,
  timeline,
};
const KIND_LABELS = { scheduled, evergreen, 'one-time': oneTime };
const SINGULAR = { day, week, month, year };
const PLURAL = { day: days, week: weeks, month: months, year: years };

const intervalText = (interval, count) =>
  count === 1 ? format(per, SINGULAR[interval]) : format(every, count, PLURAL[interval]);

const itemRows = (items, prefix) =>
  items.map((item, index) => ({
    ...item,
    key: `${prefix}-${index}`,
    hasAmount: item.amount !== null,
    hasCoupons: item.coupons.length > 0,
    billedText: item.interval ? intervalText(item.interval, item.intervalCount) : null,
  }));

/**
 * The summary's figures, one row each in the order shown: MRR (recurring billing only), TCV, next renewal,
 * next invoice (date and amount). A row has a date, an amount, or both.
 */
function factRows(summary) {
  const rows = [
    summary.kind !== 'one-time' && { id: 'mrr', label: mrr, amount: summary.mrr },
    summary.tcv && { id: 'tcv', label: tcv, amount: summary.tcv },
    summary.nextRenewal && { id: 'next-renewal', label: nextRenewal, date: summary.nextRenewal },
    summary.nextInvoice && {
      id: 'next-invoice',
      label: nextInvoice,
      date: summary.nextInvoice.date,
      amount: summary.nextInvoice.amount,
    },
  ];
  return rows.filter(Boolean).map((row) => ({
    ...row,
    labelKey: `${row.id}-label`,
    hasAmount: 'amount' in row,
    amountClass: row.date ? 'slds-m-left_x-small' : '',
  }));
}

function phaseView(phase, index) {
  return {
    key: `phase-${index}`,
    title: format(phaseTitle, index + 1),
    start: phase.start,
    end: phase.end,
    items: itemRows(phase.items, `item-${index}`),
    hasItems: phase.items.length > 0,
    oneTimeItems: itemRows(phase.oneTimeItems, `one-time-${index}`),
    hasOneTimeItems: phase.oneTimeItems.length > 0,
    coupons: phase.coupons,
    hasCoupons: phase.coupons.length > 0,
    total: phase.total,
    omittedText: phase.omittedItems ? format(itemsOmitted, phase.omittedItems) : null,
  };
}

/**
 * What Stripe bills for the order (or, in a preview, would bill): the phases as a timeline with their
 * items, one-time items, coupons and totals; the one-time invoice and its coupons; next and latest invoice;
 * TCV and MRR.
 * `summary` is the field's JSON text (or the object); a value the card cannot read shows a message.
 */
export default class StripeBillingSummary extends LightningElement {
  labels = LABELS;
  /** The section's heading; the card passes "Billing in Stripe" or "Billing preview". */
  @api heading = heading;
  /** What the template shows; undefined when the summary cannot be read. */
  view;
  rawSummary;

  @api
  get summary() {
    return this.rawSummary;
  }

  set summary(value) {
    this.rawSummary = value;
    const summary = readBillingSummary(value);
    this.view = summary ? summaryView(summary) : undefined;
  }

  get isUnreadable() {
    return !this.view;
  }
}

/** The invoice's lines, and its own coupons (none in a version-1 summary). */
function oneTimeInvoiceView(invoice) {
  const invoiceCoupons = invoice.coupons ?? [];
  return {
    items: itemRows(invoice.items, 'invoice-item'),
    coupons: invoiceCoupons,
    hasCoupons: invoiceCoupons.length > 0,
    total: invoice.total,
  };
}

function summaryView(summary) {
  const phases = summary.phases.map(phaseView);
  const oneTimeInvoice = summary.oneTimeInvoice;
  return {
    kindLabel: KIND_LABELS[summary.kind],
    currency: summary.currency,
    phases,
    hasPhases: phases.length > 0,
    oneTimeInvoice: oneTimeInvoice ? oneTimeInvoiceView(oneTimeInvoice) : null,
    facts: factRows(summary),
    latestInvoice: summary.latestInvoice,
  };
}
