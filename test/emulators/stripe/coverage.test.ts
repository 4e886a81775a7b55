// The emulator serves every Stripe operation a SyncPlan can contain: the record below must name a route for
// each StripeOperationName (the type checker fails when plan.ts gains an operation it does not list).
import type { StripeOperationName } from '../../../plugin/src/core/plan/plan.js';
import { routeList } from '@stripe-cpq/stripe-emulator/routes.js';

const ROUTE_OF_OPERATION: Record<StripeOperationName, string> = {
  'testClocks.create': 'POST /v1/test_helpers/test_clocks',
  'customers.create': 'POST /v1/customers',
  'customers.update': 'POST /v1/customers/:id',
  'products.create': 'POST /v1/products',
  'products.update': 'POST /v1/products/:id',
  'billing.meters.create': 'POST /v1/billing/meters',
  'prices.create': 'POST /v1/prices',
  'prices.update': 'POST /v1/prices/:id',
  'coupons.create': 'POST /v1/coupons',
  'subscriptionSchedules.create': 'POST /v1/subscription_schedules',
  'subscriptionSchedules.update': 'POST /v1/subscription_schedules/:id',
  'subscriptionSchedules.cancel': 'POST /v1/subscription_schedules/:id/cancel',
  'subscriptionSchedules.release': 'POST /v1/subscription_schedules/:id/release',
  'subscriptions.create': 'POST /v1/subscriptions',
  'subscriptions.update': 'POST /v1/subscriptions/:id',
  'subscriptions.cancel': 'DELETE /v1/subscriptions/:id',
  'invoiceItems.create': 'POST /v1/invoiceitems',
  'invoices.create': 'POST /v1/invoices',
  'invoices.finalizeInvoice': 'POST /v1/invoices/:id/finalize',
};

describe('Stripe emulator coverage of the SyncPlan operations', () => {
  it.each(Object.entries(ROUTE_OF_OPERATION))('serves %s as %s', (_operation, route) => {
    expect(routeList()).toContain(route);
  });

  it('serves the reads the sync engine makes of linked objects', () => {
    for (const read of [
      'customers',
      'products',
      'prices',
      'coupons',
      'subscription_schedules',
      'subscriptions',
      'invoices',
    ]) {
      expect(routeList()).toContain(`GET /v1/${read}/:id`);
    }
  });
});
