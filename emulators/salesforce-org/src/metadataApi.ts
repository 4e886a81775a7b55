/**
 * The Metadata API calls `sf` and @salesforce/source-deploy-retrieve make to deploy (Metadata API
 * Developer Guide, "deploy()" and "checkDeployStatus()"): SOAP on `/services/Soap/m/<version>`.
 * `deploy` takes a base64 zip in metadata format and answers at once with a Queued AsyncResult; the
 * zip is then validated and, unless `checkOnly`, applied to the org's schema (objects, fields, custom
 * metadata records, permission sets, Change Data Capture channels) — all or nothing, as `rollbackOnError` does on a real org.
 * `checkDeployStatus` reports progress and, with `includeDetails`, one message per component of the
 * zip's package.xml, failures naming the file, line and column.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import JSZip from 'jszip';
import { fieldFromXml, type MetadataFile } from 'plugin-stripe-cpq/lib/cpqSchema/metadataLoader.js';
import type { EmulatedOrg } from './org.js';
import { channelSchemaOf, checkChannels, type ChannelFile, type ChannelSchema } from './pubsub/channels.js';
import type { ApiRequest, ApiResponse, Router } from './router.js';

const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
type Xml = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
});
const sourceBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true });
const soapBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: false });
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export type DeployState = 'Queued' | 'InProgress' | 'Succeeded' | 'SucceededPartial' | 'Failed' | 'Canceled';

/** One entry of `details.componentSuccesses` / `componentFailures`. */
export interface DeployMessage {
  readonly componentType: string;
  readonly fullName: string;
  readonly fileName: string;
  readonly success: boolean;
  readonly created: boolean;
  readonly changed: boolean;
  readonly deleted: boolean;
  readonly problem?: string;
  readonly problemType?: 'Error' | 'Warning';
  readonly lineNumber?: number;
  readonly columnNumber?: number;
}

export interface DeployJob {
  readonly id: string;
  readonly checkOnly: boolean;
  readonly createdDate: string;
  state: DeployState;
  completedDate?: string;
  messages: DeployMessage[];
  /** Resolves when the job is done; tests await it instead of polling. */
  readonly finished: Promise<void>;
}

export interface MetadataApi {
  readonly deploys: ReadonlyMap<string, DeployJob>;
}

export function addMetadataApiRoutes(router: Router, org: EmulatedOrg): MetadataApi {
  const deploys = new Map<string, DeployJob>();
  router.add('POST', /^\/services\/Soap\/m\/(\d+\.\d)$/, (request) => soapCall(org, deploys, request));
  return { deploys };
}

function soapCall(org: EmulatedOrg, deploys: Map<string, DeployJob>, request: ApiRequest): ApiResponse {
  if (typeof request.body !== 'string')
    return soapFault('soapenv:Client', 'The Metadata API takes a SOAP envelope (Content-Type: text/xml)');
  const envelope = (parser.parse(request.body) as Xml).Envelope as Xml | undefined;
  const sessionId = ((envelope?.Header as Xml | undefined)?.SessionHeader as Xml | undefined)?.sessionId;
  const userId = typeof sessionId === 'string' ? org.userForSession(sessionId) : undefined;
  if (!userId)
    return soapFault(
      'sf:INVALID_SESSION_ID',
      'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session',
    );
  // Deploying needs Modify Metadata through Metadata API Functions (or Customize Application); the admin has both.
  const access = org.access.forUser(userId);
  if (!access.has('ModifyMetadata') && !access.has('CustomizeApplication'))
    return soapFault('sf:INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS: insufficient access rights on object id');
  const body = (envelope?.Body ?? {}) as Xml;
  const [operation, args = {}] = Object.entries(body).find(([key]) => !key.startsWith('@')) ?? [''];
  const input = args as Xml;
  switch (operation) {
    case 'deploy': {
      const job = startDeploy(org, deploys, String(input.ZipFile ?? ''), (input.DeployOptions ?? {}) as Xml);
      return soapResult('deploy', { done: false, id: job.id, state: job.state });
    }
    case 'checkDeployStatus': {
      const job = deploys.get(String(input.asyncProcessId ?? ''));
      if (!job)
        return soapFault('sf:INVALID_ID_FIELD', `INVALID_ID_FIELD: Invalid deploy id: ${String(input.asyncProcessId)}`);
      return soapResult('checkDeployStatus', deployResult(org, job, input.includeDetails === 'true'));
    }
    case 'cancelDeploy': {
      const job = deploys.get(String(input.String ?? input.id ?? ''));
      if (!job) return soapFault('sf:INVALID_ID_FIELD', 'INVALID_ID_FIELD: Invalid deploy id');
      if (job.state === 'Queued' || job.state === 'InProgress') job.state = 'Canceled';
      return soapResult('cancelDeploy', { done: job.state === 'Canceled', id: job.id });
    }
    default:
      return soapFault(
        'sf:INVALID_OPERATION',
        `INVALID_OPERATION: ${operation || '(none)'} is not an operation the org emulator's Metadata API supports (deploy, checkDeployStatus, cancelDeploy)`,
      );
  }
}

let deployCounter = 0;

function startDeploy(org: EmulatedOrg, deploys: Map<string, DeployJob>, zipBase64: string, options: Xml): DeployJob {
  const id = `0AfEm${String(++deployCounter).padStart(13, '0')}`;
  const job: Omit<DeployJob, 'finished'> & { finished?: Promise<void> } = {
    id,
    checkOnly: options.checkOnly === 'true',
    createdDate: org.now().toISOString(),
    state: 'Queued',
    messages: [],
  };
  const run = async (): Promise<void> => {
    // Like a real org, the work happens after the call returns: the first status is Queued.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (job.state === 'Canceled') return;
    job.state = 'InProgress';
    try {
      const components = await readZip(Buffer.from(zipBase64, 'base64'));
      job.messages = validate(org, components);
      const failed = job.messages.some((m) => !m.success);
      if (!failed && !job.checkOnly) apply(org, components);
      job.state = failed ? 'Failed' : 'Succeeded';
    } catch (error) {
      job.messages = [
        {
          componentType: '',
          fullName: 'package.xml',
          fileName: 'package.xml',
          success: false,
          created: false,
          changed: false,
          deleted: false,
          problem: (error as Error).message,
          problemType: 'Error',
        },
      ];
      job.state = 'Failed';
    }
    job.completedDate = org.now().toISOString();
  };
  job.finished = run();
  deploys.set(id, job as DeployJob);
  return job as DeployJob;
}

/** A file of the zip, parsed once (every field of an object lives in the object's file). */
interface ZipFile {
  readonly name: string;
  readonly content: string;
  /** The parsed XML; undefined for JavaScript, HTML and CSS files. */
  readonly xml?: Xml;
  /** Why the XML is not well-formed, where. */
  readonly malformed?: { problem: string; lineNumber: number; columnNumber: number };
}

/** A component of the zip: its package.xml type and member name, and its file. */
interface ZipComponent {
  readonly type: string;
  readonly fullName: string;
  readonly file: ZipFile | undefined;
}

/** Reads package.xml and every file; files are tied to the package.xml members by type folder and name. */
async function readZip(buffer: Buffer): Promise<ZipComponent[]> {
  const zip = await JSZip.loadAsync(buffer);
  const packagePath = Object.keys(zip.files).find((name) => /(^|\/)package\.xml$/.test(name));
  if (!packagePath)
    throw new Error(
      'No package.xml found in the zip: build it with source-deploy-retrieve or `sf project convert source`.',
    );
  const root = packagePath.slice(0, -'package.xml'.length);
  const files = new Map<string, ZipFile>();
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir || !name.startsWith(root)) continue;
    const relative = name.slice(root.length);
    files.set(relative, zipFile(relative, await entry.async('string')));
  }
  const types = asArray((files.get('package.xml')?.xml?.Package as Xml | undefined)?.types as Xml | Xml[] | undefined);
  return types.flatMap((t) =>
    asArray(t.members as string | string[] | undefined).map((fullName) => ({
      type: String(t.name),
      fullName,
      file: files.get(fileOf(String(t.name), fullName, files)),
    })),
  );
}

function zipFile(name: string, content: string): ZipFile {
  if (
    !/(\.xml|\.object|\.md|\.permissionset|\.labels|\.tab|\.flexipage|\.layout|\.platformEventChannel|\.platformEventChannelMember)$/.test(
      name,
    )
  )
    return { name, content };
  const wellFormed = XMLValidator.validate(content);
  if (wellFormed !== true)
    return {
      name,
      content,
      malformed: { problem: wellFormed.err.msg, lineNumber: wellFormed.err.line, columnNumber: wellFormed.err.col },
    };
  return { name, content, xml: parser.parse(content) as Xml };
}

/** The zip file a member lives in: children of an object live in its `.object` file. */
function fileOf(type: string, fullName: string, files: Map<string, ZipFile>): string {
  const objectName = fullName.split('.')[0] ?? fullName;
  switch (type) {
    case 'CustomObject':
    case 'CustomField':
    case 'ListView':
    case 'ValidationRule':
    case 'RecordType':
    case 'WebLink':
    case 'CompactLayout':
    case 'FieldSet':
      return `objects/${objectName}.object`;
    case 'CustomMetadata':
      return `customMetadata/${fullName}.md`;
    case 'CustomLabels':
    case 'CustomLabel':
      return 'labels/CustomLabels.labels';
    case 'LightningComponentBundle':
      return `lwc/${fullName}/${fullName}.js-meta.xml`;
    default:
      return [...files.keys()].find((name) => name.split('/')[1]?.replace(/\.[^.]+$/, '') === fullName) ?? fullName;
  }
}

function message(
  component: ZipComponent,
  problem?: { problem: string; lineNumber?: number; columnNumber?: number },
): DeployMessage {
  return {
    componentType: component.type,
    fullName: component.fullName,
    fileName: component.file?.name ?? component.fullName,
    success: !problem,
    created: !problem,
    changed: !problem,
    deleted: false,
    ...(problem ? { problemType: 'Error' as const, ...problem } : {}),
  };
}

/** Checks every component as the org would before saving anything: well-formed XML, field types, references. */
function validate(org: EmulatedOrg, components: readonly ZipComponent[]): DeployMessage[] {
  const deployedFields = new Set(
    components.filter((c) => c.type === 'CustomField').map((c) => c.fullName.toLowerCase()),
  );
  const mastersOf = masters(org, components);
  const fieldExists = (path: string): boolean => {
    const [object = '', field = ''] = path.split('.');
    // A compound address field (`BillingAddress`) exists where its components do.
    const names = /Address$/.test(field) ? [field, field.replace(/Address$/, 'Street')] : [field];
    return (
      deployedFields.has(path.toLowerCase()) ||
      (org.schema.hasObject(object) && names.some((name) => org.schema.findField(object, name) !== undefined))
    );
  };
  const channelSchema = deployedChannelSchema(org, components);
  const channels = [
    ...org.deployedChannelFiles,
    ...components.filter((c) => c.type === 'PlatformEventChannel' && c.file && !c.file.malformed).map(channelFile),
  ];
  return components.map((component) => {
    const file = component.file;
    if (!file)
      return message(component, { problem: `The zip has no file for ${component.type} ${component.fullName}` });
    if (file.malformed) return message(component, file.malformed);
    try {
      if (component.type === 'CustomField')
        fieldFromXml(component.fullName.split('.')[1] ?? '', fieldXml(component) ?? {});
      if (component.type === 'CustomMetadata') checkCustomMetadataRecord(component, fieldExists);
      if (component.type === 'PermissionSet') checkPermissionSet(component, fieldExists, mastersOf);
      if (component.type === 'PlatformEventChannel') checkChannels([channelFile(component)], channelSchema);
      if (component.type === 'PlatformEventChannelMember')
        checkChannels([...channels, channelFile(component)], channelSchema);
      return message(component);
    } catch (error) {
      return message(component, { problem: (error as Error).message, ...lineOf(component) });
    }
  });
}

/** A channel or channel member of the zip as a source file (`platformEventChannels/X__chn.platformEventChannel-meta.xml`). */
function channelFile(component: ZipComponent): ChannelFile {
  return { path: `${component.file?.name ?? component.fullName}-meta.xml`, content: component.file?.content ?? '' };
}

/** The objects and fields a channel member may name: the org's and those the zip deploys with it. */
function deployedChannelSchema(org: EmulatedOrg, components: readonly ZipComponent[]): ChannelSchema {
  const inOrg = channelSchemaOf(org.schema);
  const names = (type: string, part: (fullName: string) => string): Map<string, string> =>
    new Map(components.filter((c) => c.type === type).map((c) => [c.fullName.toLowerCase(), part(c.fullName)]));
  const objects = names('CustomObject', (fullName) => fullName);
  const fields = names('CustomField', (fullName) => fullName.split('.')[1] ?? fullName);
  return {
    objectName: (name) => inOrg.objectName(name) ?? objects.get(name.toLowerCase()),
    fieldName: (object, field) =>
      (org.schema.hasObject(object) ? inOrg.fieldName(object, field) : undefined) ??
      fields.get(`${object}.${field}`.toLowerCase()),
  };
}

function fieldXml(component: ZipComponent): Xml | undefined {
  const [, fieldName] = component.fullName.split('.');
  return asArray((component.file?.xml?.CustomObject as Xml | undefined)?.fields as Xml | Xml[] | undefined).find(
    (f) => f.fullName === fieldName,
  );
}

/** The line of the member's `<fullName>` in an object file, so a field's error points at the field. */
function lineOf(component: ZipComponent): { lineNumber?: number; columnNumber?: number } {
  const name = component.fullName.split('.')[1];
  const content = component.file?.content ?? '';
  const index = name ? content.indexOf(`<fullName>${name}</fullName>`) : -1;
  if (index < 0) return {};
  const before = content.slice(0, index).split('\n');
  return { lineNumber: before.length, columnNumber: (before.at(-1)?.length ?? 0) + 1 };
}

function checkCustomMetadataRecord(component: ZipComponent, fieldExists: (path: string) => boolean): void {
  const type = `${component.fullName.split('.')[0] ?? ''}__mdt`;
  for (const value of asArray(
    (component.file?.xml?.CustomMetadata as Xml | undefined)?.values as Xml | Xml[] | undefined,
  )) {
    const field = String(value.field);
    if (!fieldExists(`${type}.${field}`))
      throw new Error(`In field: field - no CustomField named ${type}.${field} found`);
  }
}

/** The objects' masters (master-detail parents), from the org's schema and the fields the zip deploys. */
function masters(org: EmulatedOrg, components: readonly ZipComponent[]): (object: string) => string[] {
  const deployed = new Map<string, string[]>();
  for (const component of components) {
    const xml = component.type === 'CustomField' ? fieldXml(component) : undefined;
    if (xml?.type !== 'MasterDetail') continue;
    const object = (component.fullName.split('.')[0] ?? '').toLowerCase();
    deployed.set(object, [...(deployed.get(object) ?? []), String(xml.referenceTo)]);
  }
  return (object) => {
    const inOrg = org.schema.hasObject(object)
      ? [...org.schema.object(object).fields.values()].filter((f) => f.masterDetail).flatMap((f) => f.referenceTo ?? [])
      : [];
    return [...new Set([...inOrg, ...(deployed.get(object.toLowerCase()) ?? [])])];
  };
}

const OBJECT_PERMISSIONS = [
  ['allowRead', 'Read'],
  ['allowCreate', 'Create'],
  ['allowEdit', 'Edit'],
  ['allowDelete', 'Delete'],
  ['viewAllRecords', 'View All'],
  ['modifyAllRecords', 'Modify All'],
] as const;

/**
 * A permission set's field permissions name fields that exist, and any access to a master-detail child
 * comes with Read on each master: Salesforce refuses the set otherwise with "Permission Read <child>
 * depends on permission(s): Read <master>" (README, "Rules and their sources").
 */
function checkPermissionSet(
  component: ZipComponent,
  fieldExists: (path: string) => boolean,
  mastersOf: (object: string) => string[],
): void {
  const objectPermissions = asArray(
    (component.file?.xml?.PermissionSet as Xml | undefined)?.objectPermissions as Xml | Xml[] | undefined,
  );
  const readable = new Set(
    objectPermissions.filter((p) => p.allowRead === 'true').map((p) => String(p.object).toLowerCase()),
  );
  for (const permission of objectPermissions) {
    const granted = OBJECT_PERMISSIONS.find(([flag]) => permission[flag] === 'true');
    if (!granted) continue;
    const missing = mastersOf(String(permission.object)).filter((master) => !readable.has(master.toLowerCase()));
    if (missing.length > 0)
      throw new Error(
        `Permission ${granted[1]} ${String(permission.object)} depends on permission(s): ${missing.map((m) => `Read ${m}`).join(', ')}`,
      );
  }
  for (const permission of asArray(
    (component.file?.xml?.PermissionSet as Xml | undefined)?.fieldPermissions as Xml | Xml[] | undefined,
  )) {
    const field = String(permission.field);
    if (!fieldExists(field)) throw new Error(`In field: field - no CustomField named ${field} found`);
  }
}

/**
 * Saves objects, fields and custom metadata records through the org's loader, permission sets as
 * records, and Change Data Capture channels for the org's Pub/Sub endpoint to serve.
 */
function apply(org: EmulatedOrg, components: readonly ZipComponent[]): void {
  const files: MetadataFile[] = [];
  const channels: ChannelFile[] = [];
  const replacedRecords = new Map<string, string[]>();
  for (const component of components) {
    const [objectName = '', memberName = ''] = component.fullName.split('.');
    const xml = component.file?.xml ?? {};
    if (component.type === 'CustomObject' && /__(c|mdt)$/.test(objectName)) {
      const { fields: _fields, ...object } = (xml.CustomObject ?? {}) as Xml;
      files.push({
        path: `objects/${objectName}/${objectName}.object-meta.xml`,
        content: sourceBuilder.build({ CustomObject: object }) as string,
      });
    } else if (component.type === 'CustomField') {
      files.push({
        path: `objects/${objectName}/fields/${memberName}.field-meta.xml`,
        content: sourceBuilder.build({ CustomField: fieldXml(component) }) as string,
      });
    } else if (component.type === 'CustomMetadata') {
      replacedRecords.set(`${objectName}__mdt`, [...(replacedRecords.get(`${objectName}__mdt`) ?? []), memberName]);
      files.push({ path: `customMetadata/${component.fullName}.md-meta.xml`, content: component.file?.content ?? '' });
    } else if (component.type === 'PermissionSet') {
      files.push({
        path: `permissionsets/${component.fullName}.permissionset`,
        content: component.file?.content ?? '',
      });
    } else if (component.type === 'PlatformEventChannel' || component.type === 'PlatformEventChannelMember') {
      channels.push(channelFile(component));
    }
  }
  for (const [type, names] of replacedRecords) deleteCustomMetadataRecords(org, type, names);
  org.loadMetadata(files);
  if (channels.length > 0) org.deployChannels(channels);
}

/** Custom metadata records are keyed by DeveloperName: a redeploy replaces the record. */
function deleteCustomMetadataRecords(org: EmulatedOrg, type: string, developerNames: readonly string[]): void {
  if (!org.schema.hasObject(type)) return;
  const names = developerNames.map((n) => `'${n}'`).join(', ');
  for (const record of org.query(`SELECT Id FROM ${type} WHERE DeveloperName IN (${names})`))
    org.store.delete(type, String(record.Id));
}

function deployResult(org: EmulatedOrg, job: DeployJob, includeDetails: boolean): Xml {
  const done = job.state !== 'Queued' && job.state !== 'InProgress';
  const failures = job.messages.filter((m) => !m.success);
  const successes = job.messages.filter((m) => m.success);
  const completed = done ? successes.length : 0;
  return {
    checkOnly: job.checkOnly,
    ...(job.completedDate ? { completedDate: job.completedDate } : {}),
    createdBy: org.userId,
    createdByName: 'Ada Admin',
    createdDate: job.createdDate,
    ...(includeDetails && done
      ? { details: { componentFailures: failures.map(soapMessage), componentSuccesses: successes.map(soapMessage) } }
      : {}),
    done,
    id: job.id,
    ignoreWarnings: false,
    lastModifiedDate: job.completedDate ?? job.createdDate,
    numberComponentErrors: failures.length,
    numberComponentsDeployed: job.state === 'Failed' ? 0 : completed,
    numberComponentsTotal: job.messages.length,
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: true,
    runTestsEnabled: false,
    startDate: job.createdDate,
    status: job.state,
    success: job.state === 'Succeeded',
  };
}

function soapMessage(m: DeployMessage): Xml {
  return {
    changed: m.changed,
    componentType: m.componentType,
    created: m.created,
    createdDate: new Date().toISOString(),
    deleted: m.deleted,
    fileName: m.fileName,
    fullName: m.fullName,
    success: m.success,
    ...(m.problem ? { problem: m.problem, problemType: m.problemType ?? 'Error' } : {}),
    ...(m.lineNumber ? { lineNumber: m.lineNumber, columnNumber: m.columnNumber ?? 1 } : {}),
  };
}

function envelope(body: Xml): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${
    soapBuilder.build({
      'soapenv:Envelope': {
        '@xmlns:soapenv': 'http://schemas.xmlsoap.org/soap/envelope/',
        '@xmlns': METADATA_NS,
        '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        'soapenv:Body': body,
      },
    }) as string
  }`;
}

function soapResult(operation: string, result: Xml): ApiResponse {
  return {
    status: 200,
    body: envelope({ [`${operation}Response`]: { result } }),
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
  };
}

function soapFault(code: string, text: string): ApiResponse {
  return {
    status: 500,
    body: envelope({ 'soapenv:Fault': { faultcode: code, faultstring: text } }),
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
  };
}
