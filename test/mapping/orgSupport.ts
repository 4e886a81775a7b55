/**
 * The org side of the mapping tests: the sample CPQ org emulator, a client on it, mapping records
 * inserted as an admin would create them in Setup, and guards proving a check wrote nothing.
 */
import { jest } from '@jest/globals';
import {
  startSalesforceEmulator,
  type SalesforceEmulator,
  type SampleScenario,
} from '@stripe-cpq/salesforce-org-emulator';
import { SalesforceClient } from '../../plugin/src/salesforce/client.js';
import type { MappingSpec } from './support.js';

export async function startSampleOrg(): Promise<{ org: SalesforceEmulator; client: SalesforceClient }> {
  const org = await startSalesforceEmulator();
  return {
    org,
    client: SalesforceClient.fromSession({
      instanceUrl: org.instanceUrl,
      accessToken: org.integrationUser!.accessToken,
    }),
  };
}

/**
 * What an admin does after creating a custom field a mapping reads: grants the relay's integration user
 * read access to it, in a permission set of the org's own (README, "The relay user").
 */
export function grantRelayFieldAccess(org: SalesforceEmulator, fields: readonly string[]): void {
  const name = `Relay_Mapped_Fields_${org.store.count('PermissionSet')}`;
  org.org.access.definePermissionSet({
    name,
    label: 'Relay mapped fields',
    objects: new Map(),
    fields: new Map(fields.map((f) => [f.toLowerCase(), { read: true, edit: false }])),
    userPermissions: new Set(),
    metadataTypes: new Set(),
  });
  org.org.access.assign(org.integrationUser!.userId, name);
}

export function orderOf(org: SalesforceEmulator, scenario: SampleScenario) {
  const order = org.sample?.orders.find((o) => o.scenario === scenario);
  if (!order) throw new Error(`The sample org has no ${scenario} order.`);
  return order;
}

/** A Stripe_Field_Mapping__mdt record, inserted the way a metadata deploy would. */
export function addMapping(org: SalesforceEmulator, name: string, spec: MappingSpec): void {
  org.store.insert(
    'Stripe_Field_Mapping__mdt',
    {
      DeveloperName: name,
      MasterLabel: name,
      Mapping_Key__c: spec.key,
      Stripe_Path__c: spec.stripePath,
      Salesforce_Path__c: spec.salesforcePath ?? null,
      Static_Value__c: spec.staticValue ?? null,
      Active__c: spec.active ?? true,
      Source__c: spec.source ?? 'User',
    },
    { system: true },
  );
}

/** Spies on every record write of the org; `count()` is the number made since. */
export function watchWrites(org: SalesforceEmulator): { count(): number } {
  const spies = [jest.spyOn(org.store, 'insert'), jest.spyOn(org.store, 'update'), jest.spyOn(org.store, 'delete')];
  const logged = org.requestLog.length;
  return {
    count: () =>
      spies.reduce((n, spy) => n + spy.mock.calls.length, 0) +
      org.requestLog.slice(logged).filter((r) => ['PATCH', 'PUT', 'DELETE'].includes(r.method)).length,
  };
}
