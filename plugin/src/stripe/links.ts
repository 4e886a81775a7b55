/** Stripe Dashboard addresses written onto Salesforce records (spec §2.10, §2.11). */

const DASHBOARD = 'https://dashboard.stripe.com/';

const modePath = (livemode: boolean): string => (livemode ? '' : 'test/');

/** The Dashboard page of any Stripe object: `https://dashboard.stripe.com/[test/]id/<id>`. */
export function dashboardLink(stripeId: string, livemode: boolean): string {
  return `${DASHBOARD}${modePath(livemode)}id/${stripeId}`;
}

/** The request log entry of one API call: `https://dashboard.stripe.com/[test/]logs/<request id>`. */
export function requestLogLink(requestId: string, livemode: boolean): string {
  return `${DASHBOARD}${modePath(livemode)}logs/${requestId}`;
}
