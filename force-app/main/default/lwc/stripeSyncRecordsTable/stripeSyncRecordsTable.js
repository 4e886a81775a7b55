import { LightningElement, api } from 'lwc';

import syncRecords from '@salesforce/label/c.StripeOrderSync_SyncRecords';
import noSyncRecords from '@salesforce/label/c.StripeOrderSync_NoSyncRecords';
import columnStatus from '@salesforce/label/c.StripeOrderSync_ColumnStatus';
import columnRecord from '@salesforce/label/c.StripeOrderSync_ColumnRecord';
import columnMessage from '@salesforce/label/c.StripeOrderSync_ColumnMessage';
import columnUpdated from '@salesforce/label/c.StripeOrderSync_ColumnUpdated';
import columnStripeLog from '@salesforce/label/c.StripeOrderSync_ColumnStripeLog';
import documentation from '@salesforce/label/c.StripeOrderSync_Documentation';
import stripeLog from '@salesforce/label/c.StripeOrderSync_StripeLog';

const COLUMNS = [
  { label: columnStatus, fieldName: 'status', initialWidth: 100 },
  { label: columnRecord, fieldName: 'record' },
  { label: columnMessage, fieldName: 'message', wrapText: true },
  {
    label: columnUpdated,
    fieldName: 'updated',
    initialWidth: 170,
    type: 'date',
    typeAttributes: { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' },
  },
  {
    label: documentation,
    fieldName: 'documentationLink',
    initialWidth: 140,
    type: 'url',
    typeAttributes: { label: documentation, target: '_blank' },
  },
  {
    label: columnStripeLog,
    fieldName: 'stripeRequestLink',
    initialWidth: 120,
    type: 'url',
    typeAttributes: { label: stripeLog, target: '_blank' },
  },
];

/**
 * The order's latest Sync Records in a table: status, record, message, when, and links to the documentation and
 * the Stripe request log; or a line saying there are none. Presentational: the card reads the records.
 */
export default class StripeSyncRecordsTable extends LightningElement {
  /** [{ id, status, record, message, updated, documentationLink, stripeRequestLink }] */
  @api rows = [];
  columns = COLUMNS;
  labels = { syncRecords, noSyncRecords };

  get hasRows() {
    return (this.rows ?? []).length > 0;
  }
}
