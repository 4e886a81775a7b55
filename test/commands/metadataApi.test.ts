import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { XMLParser } from 'fast-xml-parser';
import { addMetadataApiRoutes, type MetadataApi } from '@stripe-cpq/salesforce-org-emulator/metadataApi.js';
import { EmulatedOrg } from '@stripe-cpq/salesforce-org-emulator/org.js';
import { Router } from '@stripe-cpq/salesforce-org-emulator/router.js';
import { MISSING_MASTER_READ, packageWithoutMasterRead } from './support/brokenPackage.js';

const FORCE_APP = new URL('../../force-app', import.meta.url).pathname;
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false });

/** The SOAP call jsforce sends for `connection.metadata.<operation>(…)`. */
function envelope(sessionId: string, operation: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${sessionId}</sessionId></SessionHeader></soapenv:Header><soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><${operation}>${body}</${operation}></soapenv:Body></soapenv:Envelope>`;
}

async function packageZip(sourceDir = FORCE_APP): Promise<string> {
  const converted = await new MetadataConverter().convert(ComponentSet.fromSource(sourceDir), 'metadata', {
    type: 'zip',
  });
  return (converted.zipBuffer as Buffer).toString('base64');
}

type SoapBody = Record<string, { result: Record<string, unknown> }>;

describe('org emulator Metadata API (deploy, checkDeployStatus)', () => {
  let org: EmulatedOrg;
  let router: Router;
  let api: MetadataApi;
  let zip: string;

  beforeAll(async () => {
    zip = await packageZip();
  });

  beforeEach(() => {
    org = new EmulatedOrg();
    router = new Router();
    api = addMetadataApiRoutes(router, org);
  });

  const call = (operation: string, body: string, sessionId = org.accessToken): { status: number; body: SoapBody } => {
    const response = router.dispatch('POST', '/services/Soap/m/64.0', envelope(sessionId, operation, body), {});
    return {
      status: response.status,
      body: (parser.parse(String(response.body)) as { Envelope: { Body: SoapBody } }).Envelope.Body,
    };
  };

  const deployAndWait = async (checkOnly: boolean, zipBase64 = zip): Promise<Record<string, unknown>> => {
    const started = call(
      'deploy',
      `<ZipFile>${zipBase64}</ZipFile><DeployOptions><checkOnly>${checkOnly}</checkOnly><rollbackOnError>true</rollbackOnError></DeployOptions>`,
    );
    const id = String(started.body.deployResponse?.result.id);
    expect(started.body.deployResponse?.result.state).toBe('Queued');
    await api.deploys.get(id)?.finished;
    return (
      call('checkDeployStatus', `<asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails>`).body
        .checkDeployStatusResponse?.result ?? {}
    );
  };

  it('applies the package: objects, fields on standard objects, custom metadata records and permission sets', async () => {
    const result = await deployAndWait(false);
    expect(result).toMatchObject({ done: 'true', status: 'Succeeded', success: 'true', numberComponentErrors: '0' });
    expect(org.schema.hasObject('Stripe_Sync_Request__c')).toBe(true);
    expect(org.schema.findField('Account', 'Stripe_ID__c')).toBeDefined();
    expect(org.query("SELECT Id FROM Stripe_Sync_Setting__mdt WHERE DeveloperName = 'Default'")).toHaveLength(1);
    expect(org.query("SELECT Label FROM PermissionSet WHERE Name = 'Stripe_CPQ_Admin'")).toHaveLength(1);
  });

  it('replaces custom metadata records on a second deploy instead of duplicating them', async () => {
    await deployAndWait(false);
    const before = org.query('SELECT Id FROM Stripe_Field_Mapping__mdt').length;
    await deployAndWait(false);
    expect(org.query('SELECT Id FROM Stripe_Field_Mapping__mdt')).toHaveLength(before);
    expect(org.query("SELECT Id FROM PermissionSet WHERE Name = 'Stripe_CPQ_Admin'")).toHaveLength(1);
  });

  it('validates without saving when checkOnly is set', async () => {
    const result = await deployAndWait(true);
    expect(result).toMatchObject({ status: 'Succeeded', checkOnly: 'true' });
    expect(org.schema.hasObject('Stripe_Sync_Request__c')).toBe(false);
  });

  it("refuses a permission set granting a master-detail child without Read on its master, with Salesforce's message, and saves nothing", async () => {
    const result = await deployAndWait(false, await packageZip(packageWithoutMasterRead()));
    expect(result).toMatchObject({ status: 'Failed', success: 'false', numberComponentErrors: '1' });
    expect((result.details as { componentFailures: Record<string, string> }).componentFailures).toMatchObject({
      componentType: 'PermissionSet',
      fullName: 'Stripe_CPQ_Coupon_User',
      problem: MISSING_MASTER_READ,
    });
    expect(org.schema.hasObject('Stripe_Sync_Request__c')).toBe(false);
  });

  it('rejects a deploy by a user without Modify Metadata or Customize Application', () => {
    const relay = org.createUser({ permissionSets: [] });
    const response = call(
      'checkDeployStatus',
      '<asyncProcessId>0AfEm0000000000001</asyncProcessId>',
      relay.accessToken,
    );
    expect(JSON.stringify(response.body)).toContain('INSUFFICIENT_ACCESS');
  });

  it('rejects an envelope whose SessionHeader does not carry the org session', () => {
    const response = call(
      'checkDeployStatus',
      '<asyncProcessId>0AfEm0000000000001</asyncProcessId>',
      'not-the-session',
    );
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).toContain('INVALID_SESSION_ID');
  });
});
