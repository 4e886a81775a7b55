// Spec §2.6.3, "re-apply selected amendment mappings": each amendment's schedule update carries the
// collection method, payment terms (→ days_until_due) and invoice rendering template mapped from the
// amendment order itself — and nothing when they are not mapped.
import type { MappingConfig } from '../../../plugin/src/core/mappings/mappings.js';
import type * as M from '../../../plugin/src/core/records/models.js';
import { toId18 } from '../../../plugin/src/core/records/salesforceIds.js';
import { errorsOf, ops, only } from '../planHelpers.js';
import { syncedContract, ts } from './stripeLedger.js';

const PAYMENT_TERMS: MappingConfig = {
  fieldMappings: {
    subscription_schedule: {
      'default_settings.invoice_settings.days_until_due': 'SBQQ__PaymentTerm__c',
      'default_settings.collection_method': 'Collection_Method__c',
    },
  },
  fieldDefaults: {
    subscription_schedule: { 'default_settings.invoice_settings.rendering.template': 'inrtmpl_amended' },
  },
};

const setFields = (order: M.Order, fields: Record<string, unknown>) => Object.assign(order, fields);

function amendWith(mappings: MappingConfig | undefined, fields: Record<string, unknown>) {
  const { c, A, a, stripe } = syncedContract('2030-01-01', 12, 'Monthly', 10, 1);
  if (mappings) stripe.context = { mappings };
  const m = c.amendment('2030-03-01', 10);
  m.line(A, { quantity: 1, revises: a.Id });
  setFields(m.order, fields);
  return { c, A, a, m, stripe };
}

describe('mapped collection settings on amendment updates', () => {
  it("carries the amendment order's payment term, collection method and rendering template", () => {
    const { m, stripe } = amendWith(PAYMENT_TERMS, {
      SBQQ__PaymentTerm__c: 'Net 45',
      Collection_Method__c: 'send_invoice',
    });
    const update = only(stripe.sync(m.order.Id, ts('2030-02-01')), 'subscriptionSchedules.update');
    expect(update.params.default_settings).toEqual({
      collection_method: 'send_invoice',
      invoice_settings: { days_until_due: 45, rendering: { template: 'inrtmpl_amended' } },
    });
    expect(update.params.proration_behavior).toBe('none');
  });

  it('charge_automatically sends no days until due (Stripe refuses them)', () => {
    const { m, stripe } = amendWith(PAYMENT_TERMS, {
      SBQQ__PaymentTerm__c: 'Net 45',
      Collection_Method__c: 'charge_automatically',
    });
    const update = only(stripe.sync(m.order.Id, ts('2030-02-01')), 'subscriptionSchedules.update');
    expect(update.params.default_settings).toEqual({
      collection_method: 'charge_automatically',
      invoice_settings: { rendering: { template: 'inrtmpl_amended' } },
    });
  });

  it('unmapped: the update sends no default settings', () => {
    const { m, stripe } = amendWith(undefined, { SBQQ__PaymentTerm__c: 'Net 45' });
    const update = only(stripe.sync(m.order.Id, ts('2030-02-01')), 'subscriptionSchedules.update');
    expect(update.params).not.toHaveProperty('default_settings');
    expect(Object.keys(update.params).sort()).toEqual(['phases', 'proration_behavior']);
  });

  it('stacked amendments: each update carries its own order’s payment term; a future termination re-applies it too', () => {
    const { c, A, a, stripe } = syncedContract('2030-01-01', 12, 'Monthly', 10, 1);
    stripe.context = {
      mappings: {
        fieldMappings: {
          subscription_schedule: { 'default_settings.invoice_settings.days_until_due': 'SBQQ__PaymentTerm__c' },
        },
        fieldDefaults: {},
      },
    };
    const m1 = c.amendment('2030-03-01', 10);
    m1.line(A, { quantity: 1, revises: a.Id });
    setFields(m1.order, { SBQQ__PaymentTerm__c: 'Net 15' });
    const m2 = c.amendment('2030-06-01', 7);
    m2.line(A, { quantity: -2, revises: a.Id });
    setFields(m2.order, { SBQQ__PaymentTerm__c: 'Net 60' });
    const updates = ops(stripe.sync(m2.order.Id, ts('2030-02-01')), 'subscriptionSchedules.update');
    expect(updates.map((u) => [u.source.id, u.params.default_settings])).toEqual([
      [toId18(m1.order.Id), { collection_method: 'send_invoice', invoice_settings: { days_until_due: 15 } }],
      [toId18(m2.order.Id), { collection_method: 'send_invoice', invoice_settings: { days_until_due: 60 } }],
    ]);
  });

  it('an unsupported payment term on the amendment is the documented error, on the amendment order', () => {
    const { m, stripe } = amendWith(PAYMENT_TERMS, { SBQQ__PaymentTerm__c: 'Net 33' });
    const [error] = errorsOf(() => stripe.plan(m.order.Id, ts('2030-02-01')));
    expect(error).toMatchObject({
      record: { type: 'Order', id: toId18(m.order.Id) },
      field: 'default_settings.invoice_settings.days_until_due',
    });
    expect(error!.resolutionMessage).toContain('Recieved unexpected days_until_due option: Net 33');
  });
});
