/**
 * CPQ payment terms → Stripe `days_until_due` (spec §2.6.6): integers (or integer text) pass through,
 * "Net 30" / "Net-30" style terms give their days for the CPQ values 15/30/45/60/90, anything else is
 * the documented error. Decision q16: "Due on Receipt" is 0 days unless that option is switched off.
 */
import { SyncError, type RecordRef } from '../errors.js';

const NET_DAYS = new Set([15, 30, 45, 60, 90]);

export function daysUntilDue(
  value: unknown,
  record: RecordRef,
  field: string,
  dueOnReceiptAsZeroDays: boolean,
): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+$/.test(text)) return Number(text);
    const net = /Net[ -](\d+)/i.exec(text);
    if (net) {
      const days = Number(net[1]);
      if (NET_DAYS.has(days)) return days;
      throw new SyncError(`Recieved unexpected days_until_due option: ${text}`, {
        kind: 'data',
        record,
        field,
        fix: 'Use an integer or one of the CPQ payment terms Net 15, Net 30, Net 45, Net 60 or Net 90.',
      });
    }
    if (dueOnReceiptAsZeroDays && /^due\s+on\s+receipt$/i.test(text)) return 0;
  }
  throw new SyncError(`Unsupported field value for days_until_due: ${String(value)}`, {
    kind: 'data',
    record,
    field,
    fix: 'Map days_until_due to an integer field or a supported CPQ Payment Term (Net 15, 30, 45, 60 or 90).',
  });
}
