import { LightningElement, api } from 'lwc';
import { formatLabel as format } from 'c/labelFormat';

import percentOff from '@salesforce/label/c.StripeBillingSummary_PercentOff';
import amountOff from '@salesforce/label/c.StripeBillingSummary_AmountOff';
import once from '@salesforce/label/c.StripeBillingSummary_Once';
import forever from '@salesforce/label/c.StripeBillingSummary_Forever';
import forMonths from '@salesforce/label/c.StripeBillingSummary_ForMonths';

const DURATIONS = { once, forever };

function couponRow(coupon, index) {
  const duration =
    coupon.duration === 'repeating'
      ? format(forMonths, coupon.durationInMonths ?? '')
      : (DURATIONS[coupon.duration] ?? coupon.duration);
  return {
    key: `coupon-${index}`,
    name: coupon.name,
    percentText: coupon.percentOff === null ? null : format(percentOff, coupon.percentOff),
    amountOff: coupon.amountOff,
    duration,
  };
}

/**
 * The coupons of a phase (order-level) or of one line (line-level): each with its percentage or amount off, in
 * the order's currency, and how long it lasts. The billing summary shows one list per phase and per line.
 */
export default class StripeCouponList extends LightningElement {
  /** Coupons as the billing summary carries them ({ name, percentOff, amountOff, duration, durationInMonths }). */
  @api coupons = [];
  /** ISO currency of the amounts off. */
  @api currency;
  /** What the list is, for assistive technology ("Coupons"). */
  @api label;

  get rows() {
    return (this.coupons ?? []).map(couponRow);
  }

  get amountOffLabel() {
    return amountOff;
  }
}
