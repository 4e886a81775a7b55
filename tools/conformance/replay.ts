/**
 * Replays one recording through the product: both emulators on the recording's frozen clock, the
 * recorded Salesforce records loaded into the org, the test's connector configuration translated, and the
 * product's sync engine run on the orders the connector synced, in the same sequence, each activated as
 * the test activated it. The Stripe side starts empty: an amendment's Stripe state is what the product
 * itself created at the earlier steps (the same objects the reference created when those steps match).
 */
import { startSalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';
import { startStripeEmulator } from '@stripe-cpq/stripe-emulator';
import { parseSettings } from '../../plugin/lib/core/settings.js';
import { MappingConfig } from '../../plugin/lib/core/mappings/mappings.js';
import { SalesforceClient } from '../../plugin/lib/salesforce/client.js';
import { createStripeGateway } from '../../plugin/lib/stripe/client.js';
import { createSyncEngine } from '../../plugin/lib/sync/engine.js';
import type { OrgConfiguration } from '../../plugin/lib/salesforce/settingsReader.js';
import type { ProductError } from './compare.ts';
import { translateConfig } from './connectorConfig.ts';
import { activateOrder, LoadError, loadRecords, type LoadedOrg } from './orgLoader.ts';
import { activations as recordedActivations, syncSequence, type Recording } from './recording.ts';

export interface ProductRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, unknown>;
  readonly status: number;
}

export interface Replay {
  readonly writes: ProductRequest[];
  readonly errors: ProductError[];
  readonly loaded: LoadedOrg;
  readonly notes: string[];
  /** The prices and coupons the product created, to resolve the IDs its requests name. */
  readonly objects: unknown[];
}

export async function replay(recording: Recording): Promise<Replay> {
  const frozen = Date.parse(recording.clock.originally_recorded_at);
  // The recording's frozen time, moving one millisecond per reading (leases and timestamps need time to
  // pass): a logical clock, so a replay does not depend on the machine's speed — the reference synced at
  // the frozen instant, and an order starting that day must be planned at that instant, not seconds after.
  let ticks = 0;
  const clock = (): number => frozen + ticks++;
  // A multi-currency org when the records carry CurrencyIsoCode (single-currency orgs have no such field).
  const multiCurrency = recording.salesforce.records.some((r) => typeof r.fields.CurrencyIsoCode === 'string');
  const [org, stripe] = await Promise.all([
    startSalesforceEmulator({ seed: 'empty', multiCurrency, now: () => new Date(clock()) }),
    startStripeEmulator({ opsPerSecond: 0, now: clock }),
  ]);
  try {
    const loaded = loadRecords(org, recording);
    const translated = translateConfig(recording, new Date(frozen));
    const notes = [...translated.notes];
    assertMappedFieldsExist(org, translated.mappings);
    if (multiCurrency) {
      translated.settings.multiCurrency = true;
      notes.push('multi-currency org (records carry CurrencyIsoCode)');
    }
    const configuration: OrgConfiguration = {
      settings: parseSettings(translated.settings),
      mappings: MappingConfig.parse(translated.mappings),
      mappingRecords: [],
      mappingProblems: [],
      currency: { multiCurrency, corporateCurrency: 'USD' },
      liveSyncEnabled: true,
      syncRecordRetention: 1000,
      apiPercentageLimit: 50,
      orgId: org.orgId,
      sandbox: true,
    };
    const client = SalesforceClient.fromSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken });
    const gateway = createStripeGateway({
      apiKey: stripe.apiKey,
      host: stripe.host,
      port: stripe.port,
      protocol: 'http',
      opsPerSecond: 1000,
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const engine = createSyncEngine({
      salesforce: client,
      stripe: gateway,
      workerId: 'conformance',
      now: () => new Date(clock()),
      configuration,
    });

    const errors: ProductError[] = [];
    const activated = recordedActivations(recording);
    const advances = clockAdvances(recording);
    for (const step of syncSequence(recording)) {
      // The test's own clock moves before this run: the connector's `now` is the customer's test clock.
      while (advances[0] && advances[0].at < step.at)
        await advanceProductClock(stripe, advances.shift()!.frozenTime, notes);
      // Every order the test activated before the connector's run, then the order the run synced.
      for (const activation of activated.filter((a) => a.i < step.at)) activateOrder(org, loaded, activation.orderId);
      activateOrder(org, loaded, step.orderId);
      const orderId = loaded.ids.get(step.orderId.slice(0, 15));
      if (!orderId) continue;
      const result = await engine.syncOrder(orderId);
      for (const e of result.errors)
        errors.push({
          recordId: loaded.recordedIds.get(e.record.id) ?? e.record.id,
          type: e.record.type,
          kind: e.kind,
          message: e.message,
        });
    }
    const writes = stripe.requestLog
      .writes()
      .filter((e) => !CLOCK_ADVANCE.test(e.path))
      .map((e) => ({ method: e.method, path: e.path, params: e.params, status: e.status }));
    const objects = [...stripe.store.prices.all(), ...stripe.store.coupons.all()];
    return { writes, errors, loaded, notes, objects };
  } finally {
    await Promise.all([org.close(), stripe.close()]);
  }
}

const CLOCK_ADVANCE = /^\/v1\/test_helpers\/test_clocks\/[^/]+\/advance$/;

/** The test clock moves the test made, in order (the connector never advances a clock). */
function clockAdvances(recording: Recording): { at: number; frozenTime: number }[] {
  return recording.stripe.requests
    .filter((r) => r.method === 'POST' && CLOCK_ADVANCE.test(r.path) && r.params?.frozen_time !== undefined)
    .map((r) => ({ at: r.i, frozenTime: Number(r.params!.frozen_time) }));
}

type StripeEmulator = Awaited<ReturnType<typeof startStripeEmulator>>;

/** Advances the clock the product made for its customer, as the test advanced its own, and waits until it is ready. */
async function advanceProductClock(stripe: StripeEmulator, frozenTime: number, notes: string[]): Promise<void> {
  const clock = stripe.store.testClocks.all()[0];
  if (!clock || frozenTime <= clock.frozen_time) return;
  const response = await fetch(`http://${stripe.host}:${stripe.port}/v1/test_helpers/test_clocks/${clock.id}/advance`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stripe.apiKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `frozen_time=${frozenTime}`,
  });
  if (!response.ok) {
    notes.push(
      `the test's clock advance to ${new Date(frozenTime * 1000).toISOString()} failed: ${response.status} ${await response.text()}`,
    );
    return;
  }
  while (stripe.store.testClocks.get(clock.id, 'test_clock').status === 'advancing')
    await new Promise((resolve) => setImmediate(resolve));
}

/** The record each mapping key reads (spec §2.2). */
const MAPPED_OBJECT: Readonly<Record<string, string>> = {
  customer: 'Account',
  product: 'Product2',
  price: 'PricebookEntry',
  price_order_item: 'OrderItem',
  subscription_schedule: 'Order',
  subscription_phase: 'Order',
  subscription_item: 'OrderItem',
  invoice: 'Order',
  coupon: 'Quote_Stripe_Coupon__c',
};

/** A test mapping a field the org emulator's schema lacks cannot run until the catalogue has it. */
function assertMappedFieldsExist(
  org: Awaited<ReturnType<typeof startSalesforceEmulator>>,
  mappings: { fieldMappings: Record<string, Record<string, string>> },
): void {
  for (const [key, paths] of Object.entries(mappings.fieldMappings)) {
    const object = MAPPED_OBJECT[key];
    for (const path of Object.values(paths)) {
      if (object && !path.includes('.') && !org.schema.findField(object, path))
        throw new LoadError(`the test maps ${object}.${path}, which the org emulator's schema lacks`);
    }
  }
}
