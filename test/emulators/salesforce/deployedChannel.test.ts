// A Change Data Capture channel deployed through the Metadata API is served by the org's Pub/Sub endpoint,
// as a real org serves it (Metadata API Developer Guide, "PlatformEventChannel" and
// "PlatformEventChannelMember"); a member naming a field the org lacks fails the deploy, saving nothing.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { XMLParser } from 'fast-xml-parser';
import PubSubApiClient from 'salesforce-pubsub-api-client';
import { seedSampleOrg, startSalesforceEmulator, type SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';

const FORCE_APP = new URL('../../../force-app', import.meta.url).pathname;
const TOPIC = '/data/Stripe_CPQ_Sync__chn';
const ORDER_MEMBER =
  'main/default/platformEventChannelMembers/Stripe_CPQ_Sync_chn_OrderChangeEvent.platformEventChannelMember-meta.xml';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false });
const orgs: SalesforceEmulator[] = [];
const clients: PubSubApiClient[] = [];

afterEach(async () => {
  for (const o of orgs.splice(0)) await o.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const c of clients.splice(0)) c.close();
});

/** An org without the package, its Pub/Sub endpoint serving no channel until a deploy brings one. */
async function emptyOrg(): Promise<SalesforceEmulator> {
  const o = await startSalesforceEmulator({ seed: 'empty', forceAppDir: false, pubSub: true });
  orgs.push(o);
  return o;
}

type Result = Record<string, unknown>;

async function soap(o: SalesforceEmulator, operation: string, body: string): Promise<Result> {
  const response = await fetch(`${o.instanceUrl}/services/Soap/m/64.0`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
    body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${o.accessToken}</sessionId></SessionHeader></soapenv:Header><soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><${operation}>${body}</${operation}></soapenv:Body></soapenv:Envelope>`,
  });
  const parsed = parser.parse(await response.text()) as { Envelope: { Body: Record<string, { result: Result }> } };
  return parsed.Envelope.Body[`${operation}Response`]?.result ?? {};
}

/** Deploys a source directory as `sf project deploy start` does: a metadata-format zip, then status until done. */
async function deploy(o: SalesforceEmulator, sourceDir: string): Promise<Result> {
  const converted = await new MetadataConverter().convert(ComponentSet.fromSource(sourceDir), 'metadata', {
    type: 'zip',
  });
  const zip = (converted.zipBuffer as Buffer).toString('base64');
  const { id } = await soap(
    o,
    'deploy',
    `<ZipFile>${zip}</ZipFile><DeployOptions><checkOnly>false</checkOnly></DeployOptions>`,
  );
  for (;;) {
    const status = await soap(
      o,
      'checkDeployStatus',
      `<asyncProcessId>${String(id)}</asyncProcessId><includeDetails>true</includeDetails>`,
    );
    if (status.done === 'true') return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function subscribe(o: SalesforceEmulator) {
  const c = new PubSubApiClient(
    {
      authType: 'user-supplied',
      accessToken: o.accessToken,
      instanceUrl: o.instanceUrl.replace('http:', 'https:'),
      pubSubEndpoint: o.pubSub!.endpoint,
      rejectUnauthorizedSsl: false,
    },
    silent,
  );
  await c.connect();
  clients.push(c);
  const received: {
    events: Array<{ payload: { ChangeEventHeader: Record<string, unknown> } }>;
    errors: Array<{ code?: number }>;
  } = {
    events: [],
    errors: [],
  };
  c.subscribe(
    TOPIC,
    (_info: unknown, type: string, data?: unknown) => {
      if (type === 'event') received.events.push(data as (typeof received.events)[number]);
      if (type === 'error') received.errors.push(data as (typeof received.errors)[number]);
    },
    10,
  );
  return received;
}

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Change Data Capture channels deployed through the Metadata API', () => {
  it('serves the package channel once a deploy brings it, with its member filters', async () => {
    const o = await emptyOrg();
    expect(o.pubSub!.channels).toEqual([]);
    const status = await deploy(o, FORCE_APP);
    expect((status.details as Result).componentFailures).toBeUndefined();
    expect(status).toMatchObject({ status: 'Succeeded', success: 'true' });
    expect(o.pubSub!.channels.map((c) => [c.name, c.members.map((m) => m.entity)])).toEqual([
      ['Stripe_CPQ_Sync__chn', ['OrderChangeEvent', 'Stripe_Sync_Request__ChangeEvent']],
    ]);

    const order = seedSampleOrg(o.org, o.org.today()).orders[0]!;
    o.store.update(
      'Order',
      order.orderId,
      { Status: 'Draft', Stripe_ID__c: null, Stripe_Sync_Status__c: null },
      { system: true },
    );
    const received = await subscribe(o);
    await until(() => o.pubSub!.openStreams === 1, 'the subscription');
    o.store.update('Order', order.orderId, { Stripe_Sync_Message__c: 'draft edit' }, { system: true }); // filtered out
    o.store.update('Order', order.orderId, { Status: 'Activated' }, { system: true });
    await until(() => received.events.length === 1, 'the activation event');
    expect(received.events[0]!.payload.ChangeEventHeader).toMatchObject({
      entityName: 'Order',
      recordIds: [order.orderId],
      changeType: 'UPDATE',
    });
    expect(received.errors).toEqual([]);
  });

  it('fails the deploy on a channel member whose filter names a field the org lacks, and saves nothing', async () => {
    const o = await emptyOrg();
    const dir = join(mkdtempSync(join(tmpdir(), 'channel-')), 'force-app');
    cpSync(FORCE_APP, dir, { recursive: true });
    const member = join(dir, ORDER_MEMBER);
    writeFileSync(member, readFileSync(member, 'utf8').replace('Stripe_ID__c = null', 'No_Such_Field__c = null'));

    const status = await deploy(o, dir);
    expect(status).toMatchObject({ status: 'Failed', success: 'false', numberComponentErrors: '1' });
    const failures = (status.details as { componentFailures: Result | Result[] }).componentFailures;
    expect(failures).toMatchObject({
      componentType: 'PlatformEventChannelMember',
      fullName: 'Stripe_CPQ_Sync_chn_OrderChangeEvent',
      problem: expect.stringContaining('the filter names No_Such_Field__c, which is not a field of Order'),
    });
    // All or nothing: neither the channel nor the package's objects were saved.
    expect(o.pubSub!.channels).toEqual([]);
    expect(o.org.schema.hasObject('Stripe_Sync_Request__c')).toBe(false);
    const received = await subscribe(o);
    await until(() => received.errors.length > 0, 'the error');
    expect(received.errors[0]!.code).toBe(5); // NOT_FOUND: the topic does not exist
  });
});
