/** lightning/uiRecordApi over the org's UI API: GET /records/{id}, POST /records. */
import { createWireAdapter, refreshWiresOfRecords } from './wireAdapter.js';
import { queryString, uiApi } from './orgSession.js';

export const getRecord = createWireAdapter({
  isReady: (config) => !!config.recordId,
  load: ({ recordId, fields, optionalFields }) =>
    uiApi('GET', `/records/${encodeURIComponent(recordId)}${queryString({ fields, optionalFields })}`),
});

export function createRecord(recordInput) {
  return uiApi('POST', '/records', recordInput);
}

export function notifyRecordUpdateAvailable(recordIdentifiers) {
  return refreshWiresOfRecords(
    recordIdentifiers.map((r) => r.recordId),
    (config) => config.recordId,
  );
}

// The card reads only the record's own fields (no spanning `Account.Name`).
const fieldOf = (record, field) =>
  record?.fields?.[typeof field === 'string' ? field.split('.').pop() : field.fieldApiName];

export function getFieldValue(record, field) {
  return fieldOf(record, field)?.value;
}

export function getFieldDisplayValue(record, field) {
  return fieldOf(record, field)?.displayValue;
}
