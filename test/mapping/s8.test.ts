/**
 * S8 — custom field mappings and defaults to metadata (spec §5), end to end through storage: the
 * mappings are Custom Metadata records in the org, `mapping check` finds them valid and names the
 * extra fields they read, the engine's reader loads them through SOQL and the core applies them.
 * Variants: Net-45, 60, Net 20 and Due on Receipt payment terms, and "true"/"false" text.
 */
import { planOrderSync } from '../../plugin/src/core/plan/planner.js';
import type { StripeOperation } from '../../plugin/src/core/plan/plan.js';
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { fieldDef } from '../../plugin/src/cpqSchema/schema.js';
import { checkOrg } from '../../plugin/src/mappingCheck/index.js';
import type { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import { readContractGraph } from '../../plugin/src/salesforce/graphReader.js';
import { readOrgConfiguration } from '../../plugin/src/salesforce/settingsReader.js';
import { addMapping, grantRelayFieldAccess, orderOf, startSampleOrg } from './orgSupport.js';

const DAYS = 'default_settings.invoice_settings.days_until_due';

describe('S8: custom field mappings and defaults, stored as Custom Metadata', () => {
  let org: SalesforceEmulator;
  let client: SalesforceClient;
  let orderId: string;
  let accountId: string;

  beforeAll(async () => {
    ({ org, client } = await startSampleOrg());
    ({ orderId, accountId } = orderOf(org, 'S1'));
    org.schema.defineField('Account', fieldDef({ name: 'Region__c', type: 'string', length: 80 }));
    org.schema.defineField('Account', fieldDef({ name: 'Tax_Exempt_Text__c', type: 'string', length: 10 }));
    // CPQ's payment-term picklist, widened the way admins do, so the variants can be stored.
    org.schema.defineField(
      'Order',
      fieldDef({
        name: 'SBQQ__PaymentTerm__c',
        type: 'picklist',
        length: 255,
        picklistValues: ['Due on Receipt', 'Net 30', 'Net-45', '60', 'Net 20'],
      }),
    );
    grantRelayFieldAccess(org, ['Account.Region__c', 'Account.Tax_Exempt_Text__c']);
    org.store.update('Account', accountId, { Region__c: 'EMEA', Tax_Exempt_Text__c: ' TRUE ' }, { system: true });
    addMapping(org, 'Schedule_Example_Field', {
      key: 'subscription_schedule',
      stripePath: 'metadata.example_field',
      salesforcePath: 'OrderNumber',
    });
    addMapping(org, 'Schedule_Account_Region', {
      key: 'subscription_schedule',
      stripePath: 'metadata.account_region',
      salesforcePath: 'Account.Region__c',
    });
    addMapping(org, 'Customer_Source', { key: 'customer', stripePath: 'metadata.Source', staticValue: 'Salesforce' });
    addMapping(org, 'Customer_Tax_Flag', {
      key: 'customer',
      stripePath: 'metadata.tax_exempt',
      salesforcePath: 'Tax_Exempt_Text__c',
    });
    addMapping(org, 'Schedule_Payment_Term', {
      key: 'subscription_schedule',
      stripePath: DAYS,
      salesforcePath: 'SBQQ__PaymentTerm__c',
    });
    addMapping(org, 'Schedule_Collection', {
      key: 'subscription_schedule',
      stripePath: 'default_settings.collection_method',
      staticValue: 'send_invoice',
    });
  });
  afterAll(() => org.close());

  const setPaymentTerm = (term: string) =>
    org.store.update('Order', orderId, { SBQQ__PaymentTerm__c: term }, { system: true });

  /** What the engine would plan: its own readers, the fields the check says the mappings need, the core. */
  async function plan(): Promise<StripeOperation[]> {
    const report = await checkOrg(client);
    const config = await readOrgConfiguration(client);
    const graph = await readContractGraph(client, orderId, {
      extra: report.readFields,
      multiCurrency: config.currency.multiCurrency,
    });
    const context = {
      orgId: config.orgId,
      instanceUrl: org.instanceUrl,
      livemode: false,
      sandbox: false,
      now: 1_800_000_000,
      settings: config.settings,
      mappings: config.mappings,
    };
    return [...planOrderSync({ graph, state: {}, context, orderId }).operations];
  }

  it('is valid, and the check names the extra Account fields the reader must fetch', async () => {
    const report = await checkOrg(client);
    // Net 20 is in the widened picklist: a warning on the mapping, an error only on orders holding it.
    expect(report.problems.map((p) => [p.severity, p.record])).toEqual([['warning', 'Schedule_Payment_Term']]);
    // OrderNumber and SBQQ__PaymentTerm__c are in the core's Order model already (SOQL refuses a field twice).
    expect(report.readFields).toEqual({ Account: ['Region__c', 'Tax_Exempt_Text__c'] });
  });

  it('puts the mapped fields in schedule and customer metadata and Net 30 into days_until_due', async () => {
    setPaymentTerm('Net 30');
    const operations = await plan();
    const schedule = operations.find((o) => o.op === 'subscriptionSchedules.create');
    const customer = operations.find((o) => o.op === 'customers.create');
    const orderNumber = org.store.get(orderId)?.OrderNumber;
    expect(schedule?.params.metadata).toMatchObject({
      salesforce_order_id: orderId,
      salesforce_order_link: `${org.instanceUrl}/${orderId}`,
      example_field: orderNumber,
      account_region: 'EMEA',
    });
    expect(schedule?.params.default_settings).toEqual({
      collection_method: 'send_invoice',
      invoice_settings: { days_until_due: 30 },
    });
    expect(customer?.params.metadata).toMatchObject({ Source: 'Salesforce' });
  });

  it('turns "true"/"false" text from a mapped field into a boolean (Stripe metadata gets "true")', async () => {
    const customer = (await plan()).find((o) => o.op === 'customers.create');
    expect(customer?.params.metadata).toMatchObject({ tax_exempt: 'true' });
  });

  it.each([
    ['Net-45', 45],
    ['60', 60],
    ['Due on Receipt', 0], // decision q16
  ])('reads the payment term %s as %i days', async (term, days) => {
    setPaymentTerm(term);
    const schedule = (await plan()).find((o) => o.op === 'subscriptionSchedules.create');
    expect(schedule?.params.default_settings?.invoice_settings?.days_until_due).toBe(days);
  });

  it('warns about the picklist in the mapping check, and the order preflight names the order holding Net 20', async () => {
    setPaymentTerm('Net 20');
    const report = await checkOrg(client, { orderIds: [orderId] });
    expect(report.problems.find((p) => p.record === 'Schedule_Payment_Term')).toMatchObject({
      severity: 'warning',
      field: 'Salesforce_Path__c',
      message: `SBQQ__PaymentTerm__c (picklist) has picklist values the sync rejects for ${DAYS}: Recieved unexpected days_until_due option: Net 20`,
    });
    expect(report.orders[0]?.problems).toEqual([
      {
        severity: 'error',
        recordType: 'Order',
        record: orderId,
        field: DAYS,
        message: 'Data Error: Recieved unexpected days_until_due option: Net 20',
        fix: 'Use an integer or one of the CPQ payment terms Net 15, Net 30, Net 45, Net 60 or Net 90.',
      },
    ]);
  });

  it('rejects Due on Receipt with the documented error when the q16 option is off', async () => {
    const settings = org.query("SELECT Id FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'")[0]
      ?.Id as string;
    org.store.update('Stripe_Sync_Setting__mdt', settings, { Due_On_Receipt_As_Zero_Days__c: false }, { system: true });
    setPaymentTerm('Due on Receipt');
    const report = await checkOrg(client, { orderIds: [orderId] });
    expect(report.orders[0]?.problems.map((p) => p.message)).toEqual([
      'Data Error: Unsupported field value for days_until_due: Due on Receipt',
    ]);
    org.store.update('Stripe_Sync_Setting__mdt', settings, { Due_On_Receipt_As_Zero_Days__c: true }, { system: true });
  });
});
