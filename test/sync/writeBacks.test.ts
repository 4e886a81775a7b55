import { describe, expect, it } from '@jest/globals';
import { ref, refField, type SalesforceWriteBack } from '../../plugin/src/core/plan/plan.js';
import { ReferenceTable } from '../../plugin/src/stripe/references.js';
import { resolveWriteBacks } from '../../plugin/src/sync/engine.js';

const schedule = ref('schedule', '801000000000001AAA');
const customer = ref('customer', '001000000000001AAA');
const invoice = ref('invoice', '801000000000002AAA');

describe('resolveWriteBacks', () => {
  const references = new ReferenceTable();
  references.record(customer, { id: 'cus_1' });
  references.record(schedule, { id: 'sub_sched_1' });

  const writeBacks: SalesforceWriteBack[] = [
    { sobject: 'Account', id: '001000000000001AAA', fields: { Stripe_ID__c: customer } },
    { sobject: 'Order', id: '801000000000001AAA', fields: { Stripe_ID__c: schedule } },
    { sobject: 'Order', id: '801000000000003AAA', fields: { Stripe_ID__c: schedule, Note__c: 'kept' } },
    {
      sobject: 'Order',
      id: '801000000000002AAA',
      fields: { Stripe_ID__c: invoice, Stripe_Invoice_Payment_Link__c: refField(invoice, 'hosted_invoice_url') },
    },
  ];

  it('replaces references with the ids and fields the run created', () => {
    expect(resolveWriteBacks(writeBacks.slice(0, 2), references)).toEqual([
      { sobject: 'Account', id: '001000000000001AAA', fields: { Stripe_ID__c: 'cus_1' } },
      { sobject: 'Order', id: '801000000000001AAA', fields: { Stripe_ID__c: 'sub_sched_1' } },
    ]);
  });

  it('leaves out objects never created and objects with an operation still to go when the run stopped', () => {
    const unfinished = new Set<string>([schedule]);
    expect(resolveWriteBacks(writeBacks, references, unfinished)).toEqual([
      { sobject: 'Account', id: '001000000000001AAA', fields: { Stripe_ID__c: 'cus_1' } },
      { sobject: 'Order', id: '801000000000003AAA', fields: { Note__c: 'kept' } },
    ]);
  });
});
