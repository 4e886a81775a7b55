/**
 * The package source (force-app, sfdx source format) read into typed records for the offline checks.
 * The zod schemas are the rules a deploy would enforce that source-deploy-retrieve does not: valid field
 * types and the attributes each type requires (Metadata API Developer Guide, "CustomField"), custom
 * metadata field types, and the shapes of permission sets, validation rules, CMT records and labels.
 * Parsing a file that breaks them throws an error naming the file and the attribute.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGE_DIR = join(PROJECT_ROOT, 'force-app');
export const SOURCE_DIR = join(PACKAGE_DIR, 'main', 'default');
export const SOURCE_API_VERSION: string = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'sfdx-project.json'), 'utf8')) as { sourceApiVersion: string }
).sourceApiVersion;

/** Tags that may repeat; parsed as arrays even when they occur once. */
const REPEATED = new Set([
  'CustomField.valueSet.valueSetDefinition.value',
  'CustomMetadata.values',
  'PermissionSet.fieldPermissions',
  'PermissionSet.objectPermissions',
  'PermissionSet.customMetadataTypeAccesses',
  'PermissionSet.tabSettings',
  'PermissionSet.userPermissions',
  'CustomLabels.labels',
  'ListView.columns',
  'ListView.filters',
  'LightningComponentBundle.targets.target',
  'LightningComponentBundle.targetConfigs.targetConfig',
  'LightningComponentBundle.targetConfigs.targetConfig.objects.object',
  'FlexiPage.flexiPageRegions',
  'FlexiPage.flexiPageRegions.itemInstances',
]);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (_name, jpath) => REPEATED.has(String(jpath)),
});

const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const ApiName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/,
    'must start with a letter and use letters, digits and single underscores',
  );
const word = '[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*';
/** Standard (`Order`), custom (`Quote_Stripe_Coupon__c`), metadata type (`X__mdt`) or namespaced (`SBQQ__Quote__c`) object. */
const SObjectName = z.string().regex(new RegExp(`^(${word}__)?${word}(__c|__mdt)?$`), 'is not an object API name');
const CustomFieldName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c$/, 'must be a custom field API name ending in __c');

const PicklistValue = z.strictObject({
  fullName: z.string().min(1).max(255),
  default: Bool,
  label: z.string().min(1).max(255),
});
const ValueSet = z.strictObject({
  restricted: Bool.optional(),
  valueSetDefinition: z.strictObject({ sorted: Bool.optional(), value: z.array(PicklistValue).min(1) }),
});

const common = {
  fullName: CustomFieldName,
  label: z.string().min(1).max(40),
  description: z.string().max(1000).optional(),
  inlineHelpText: z.string().max(510).optional(),
  required: Bool.optional(),
  trackHistory: Bool.optional(),
  trackTrending: Bool.optional(),
  /** Custom metadata type fields only. */
  fieldManageability: z.enum(['DeveloperControlled', 'SubscriberControlled', 'Locked']).optional(),
};
const numeric = {
  precision: int(1, 18),
  scale: int(0, 17),
  defaultValue: z.string().optional(),
  externalId: Bool.optional(),
  unique: Bool.optional(),
};

/** One schema per field type the package uses; any other `<type>` is rejected. */
export const CustomField = z
  .discriminatedUnion('type', [
    z.strictObject({
      ...common,
      type: z.literal('Text'),
      length: int(1, 255),
      externalId: Bool.optional(),
      unique: Bool.optional(),
      caseSensitive: Bool.optional(),
      defaultValue: z.string().optional(),
    }),
    z.strictObject({ ...common, type: z.literal('TextArea'), defaultValue: z.string().optional() }),
    z.strictObject({ ...common, type: z.literal('LongTextArea'), length: int(256, 131_072), visibleLines: int(2, 50) }),
    z.strictObject({ ...common, type: z.literal('Checkbox'), defaultValue: Bool }),
    z.strictObject({ ...common, type: z.literal('Number'), ...numeric }),
    z.strictObject({ ...common, type: z.literal('Currency'), ...numeric }),
    z.strictObject({ ...common, type: z.literal('Percent'), ...numeric }),
    z.strictObject({ ...common, type: z.literal('Date'), defaultValue: z.string().optional() }),
    z.strictObject({ ...common, type: z.literal('DateTime'), defaultValue: z.string().optional() }),
    z.strictObject({ ...common, type: z.literal('Url'), defaultValue: z.string().optional() }),
    z.strictObject({ ...common, type: z.literal('Email'), externalId: Bool.optional(), unique: Bool.optional() }),
    z.strictObject({ ...common, type: z.literal('Picklist'), valueSet: ValueSet }),
    z.strictObject({
      ...common,
      type: z.literal('Lookup'),
      referenceTo: SObjectName,
      relationshipName: ApiName,
      relationshipLabel: z.string().optional(),
      deleteConstraint: z.enum(['SetNull', 'Restrict', 'Cascade']),
    }),
    z.strictObject({
      ...common,
      type: z.literal('MasterDetail'),
      referenceTo: SObjectName,
      relationshipName: ApiName,
      relationshipLabel: z.string().min(1),
      relationshipOrder: int(0, 1),
      reparentableMasterDetail: Bool,
      writeRequiresMasterRead: Bool,
    }),
  ])
  .superRefine((field, ctx) => {
    if ('scale' in field && field.scale > field.precision)
      ctx.addIssue({ code: 'custom', path: ['scale'], message: 'must not exceed precision' });
    if (field.type === 'Picklist' && field.valueSet.valueSetDefinition.value.filter((v) => v.default).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['valueSet'], message: 'has more than one default value' });
    }
    if (field.type === 'MasterDetail' && field.required !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['required'],
        message: 'is implied for master-detail fields and must be left out',
      });
    }
  });
export type CustomField = z.infer<typeof CustomField>;

/** Field types a custom metadata type may have (Metadata API Developer Guide, "CustomMetadata"). */
export const METADATA_TYPE_FIELD_TYPES = new Set([
  'Checkbox',
  'Date',
  'DateTime',
  'Email',
  'LongTextArea',
  'Number',
  'Percent',
  'Phone',
  'Picklist',
  'Text',
  'TextArea',
  'Url',
]);

const CustomObjectFile = z.strictObject({
  label: z.string().min(1).max(40),
  pluralLabel: z.string().min(1).max(40),
  description: z.string().max(1000).optional(),
  visibility: z.enum(['Public', 'Protected', 'PackageProtected']).optional(),
  deploymentStatus: z.enum(['Deployed', 'InDevelopment']).optional(),
  sharingModel: z.enum(['Private', 'Read', 'ReadWrite', 'ControlledByParent']).optional(),
  nameField: z
    .strictObject({
      label: z.string().min(1).max(40),
      type: z.enum(['Text', 'AutoNumber']),
      displayFormat: z.string().optional(),
    })
    .refine(
      (n) => (n.type === 'AutoNumber') === (n.displayFormat !== undefined),
      'an AutoNumber name field needs a displayFormat, a Text one none',
    )
    .optional(),
  enableActivities: Bool.optional(),
  enableBulkApi: Bool.optional(),
  enableFeeds: Bool.optional(),
  enableHistory: Bool.optional(),
  enableReports: Bool.optional(),
  enableSearch: Bool.optional(),
  enableSharing: Bool.optional(),
  enableStreamingApi: Bool.optional(),
});

const ValidationRuleFile = z.strictObject({
  fullName: ApiName,
  active: Bool,
  description: z.string().optional(),
  errorConditionFormula: z.string().min(1).max(5000),
  errorDisplayField: z.string().optional(),
  errorMessage: z.string().min(1).max(255),
});
export type ValidationRule = z.infer<typeof ValidationRuleFile>;

const ListViewFile = z.strictObject({
  fullName: ApiName,
  columns: z.array(z.string()).min(1),
  filterScope: z.enum(['Everything', 'Mine', 'Queue']),
  filters: z
    .array(
      z.strictObject({ field: z.string(), operation: z.enum(['equals', 'notEqual', 'contains']), value: z.string() }),
    )
    .optional(),
  label: z.string().min(1).max(40),
});
export type ListView = z.infer<typeof ListViewFile>;

const FieldPermission = z.strictObject({ editable: Bool, field: z.string(), readable: Bool });
const ObjectPermission = z.strictObject({
  allowCreate: Bool,
  allowDelete: Bool,
  allowEdit: Bool,
  allowRead: Bool,
  modifyAllRecords: Bool,
  object: SObjectName,
  viewAllFields: Bool,
  viewAllRecords: Bool,
});
export type ObjectPermission = z.infer<typeof ObjectPermission>;
const PermissionSetFile = z.strictObject({
  label: z.string().min(1).max(80),
  description: z.string().max(255),
  hasActivationRequired: Bool,
  customMetadataTypeAccesses: z.array(z.strictObject({ enabled: Bool, name: SObjectName })).optional(),
  fieldPermissions: z.array(FieldPermission).optional(),
  objectPermissions: z.array(ObjectPermission).optional(),
  tabSettings: z
    .array(z.strictObject({ tab: SObjectName, visibility: z.enum(['Visible', 'Available', 'None']) }))
    .optional(),
  userPermissions: z.array(z.strictObject({ enabled: Bool, name: ApiName })).optional(),
});
export type PermissionSet = z.infer<typeof PermissionSetFile> & { name: string };

/** A CMT record value: typed by xsi:type, or nil. */
const MetadataValue = z.union([
  z.strictObject({ '@_xsi:nil': z.literal('true') }).transform(() => null),
  z
    .strictObject({
      '#text': z.string(),
      '@_xsi:type': z.enum(['xsd:string', 'xsd:boolean', 'xsd:double', 'xsd:date', 'xsd:dateTime']),
    })
    .transform((v) => ({ xsdType: v['@_xsi:type'], text: v['#text'] })),
]);
export type MetadataValue = z.infer<typeof MetadataValue>;
const CustomMetadataFile = z.strictObject({
  '@_xmlns:xsi': z.literal('http://www.w3.org/2001/XMLSchema-instance'),
  '@_xmlns:xsd': z.literal('http://www.w3.org/2001/XMLSchema'),
  label: z.string().min(1).max(40),
  protected: Bool,
  values: z.array(z.strictObject({ field: CustomFieldName, value: MetadataValue })).default([]),
});
export interface CustomMetadataRecord {
  readonly type: string;
  readonly name: string;
  readonly label: string;
  readonly values: ReadonlyMap<string, MetadataValue>;
}

const LabelsFile = z.strictObject({
  labels: z.array(
    z.strictObject({
      fullName: ApiName,
      categories: z.string().optional(),
      language: z.string(),
      protected: Bool,
      shortDescription: z.string().min(1).max(80),
      value: z.string().min(1).max(1000),
    }),
  ),
});

const BundleMeta = z.strictObject({
  apiVersion: z.string().regex(/^\d+\.0$/),
  isExposed: Bool,
  masterLabel: z.string().optional(),
  description: z.string().optional(),
  targets: z.strictObject({ target: z.array(z.string()) }).optional(),
  targetConfigs: z
    .strictObject({
      targetConfig: z.array(
        z.strictObject({
          '@_targets': z.string(),
          objects: z.strictObject({ object: z.array(SObjectName) }).optional(),
        }),
      ),
    })
    .optional(),
});
export interface LightningBundle {
  readonly name: string;
  readonly files: readonly string[];
  readonly meta: z.infer<typeof BundleMeta> | undefined;
  /** Concatenated JavaScript and HTML of the bundle, tests excluded. */
  readonly source: string;
  /** Its HTML templates alone. */
  readonly html: string;
}

const FlexiPageFile = z.looseObject({
  masterLabel: z.string(),
  sobjectType: SObjectName.optional(),
  type: z.string(),
  flexiPageRegions: z.array(
    z.looseObject({
      name: z.string(),
      itemInstances: z.array(
        z.looseObject({ componentInstance: z.looseObject({ componentName: z.string(), identifier: z.string() }) }),
      ),
    }),
  ),
});
export type FlexiPage = z.infer<typeof FlexiPageFile> & { name: string };

export interface SObjectSource {
  readonly name: string;
  /** The `.object-meta.xml`, absent for standard objects the package only adds fields to. */
  readonly definition: z.infer<typeof CustomObjectFile> | undefined;
  readonly fields: ReadonlyMap<string, CustomField>;
  readonly validationRules: readonly ValidationRule[];
  readonly listViews: readonly ListView[];
}

export interface PackageSource {
  readonly objects: ReadonlyMap<string, SObjectSource>;
  readonly permissionSets: readonly PermissionSet[];
  readonly customMetadata: readonly CustomMetadataRecord[];
  readonly labels: ReadonlyMap<string, string>;
  readonly bundles: readonly LightningBundle[];
  readonly flexiPages: readonly FlexiPage[];
  readonly tabs: readonly string[];
}

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

/** Parses one file with a schema; the error names the file and the attribute at fault. */
function parseFile<T extends z.ZodType>(file: string, root: string, schema: T): z.output<T> {
  const xml = parser.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
  const { '@_xmlns': namespace, ...content } = xml[root] ?? {};
  if (namespace !== METADATA_NAMESPACE)
    throw new Error(
      `${relative(PROJECT_ROOT, file)}: the root element must be <${root} xmlns="${METADATA_NAMESPACE}">`,
    );
  const result = schema.safeParse(content);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `<${i.path.join('.') || root}> ${i.message}`).join('; ');
    throw new Error(`${relative(PROJECT_ROOT, file)}: ${issues}`);
  }
  return result.data;
}

const metaName = (file: string, suffix: string) => basename(file).slice(0, -suffix.length);

function readObject(name: string): SObjectSource {
  const dir = join(SOURCE_DIR, 'objects', name);
  const inDir = (sub: string, suffix: string) =>
    list(join(dir, sub))
      .filter((f) => f.endsWith(suffix))
      .map((f) => join(dir, sub, f));
  const definitionFile = join(dir, `${name}.object-meta.xml`);
  const fields = new Map<string, CustomField>();
  for (const file of inDir('fields', '.field-meta.xml')) {
    const field = parseFile(file, 'CustomField', CustomField);
    if (field.fullName !== metaName(file, '.field-meta.xml'))
      throw new Error(`${relative(PROJECT_ROOT, file)}: <fullName> ${field.fullName} differs from the file name`);
    fields.set(field.fullName, field);
  }
  return {
    name,
    definition: list(dir).includes(basename(definitionFile))
      ? parseFile(definitionFile, 'CustomObject', CustomObjectFile)
      : undefined,
    fields,
    validationRules: inDir('validationRules', '.validationRule-meta.xml').map((f) =>
      parseFile(f, 'ValidationRule', ValidationRuleFile),
    ),
    listViews: inDir('listViews', '.listView-meta.xml').map((f) => parseFile(f, 'ListView', ListViewFile)),
  };
}

function readBundle(name: string): LightningBundle {
  const dir = join(SOURCE_DIR, 'lwc', name);
  const files = list(dir);
  const metaFile = `${name}.js-meta.xml`;
  const read = (pattern: RegExp) =>
    files
      .filter((f) => pattern.test(f))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
  const meta = files.includes(metaFile)
    ? parseFile(join(dir, metaFile), 'LightningComponentBundle', BundleMeta)
    : undefined;
  return { name, files, meta, source: read(/\.(js|html)$/), html: read(/\.html$/) };
}

function readCustomMetadata(file: string): CustomMetadataRecord {
  const [type, name] = metaName(file, '.md-meta.xml').split('.') as [string, string];
  const record = parseFile(file, 'CustomMetadata', CustomMetadataFile);
  return {
    type: `${type}__mdt`,
    name,
    label: record.label,
    values: new Map(record.values.map((v) => [v.field, v.value])),
  };
}

/** Reads the whole package source; throws on the first file that breaks its schema. */
export function readPackageSource(): PackageSource {
  const inSource = (sub: string, suffix: string) =>
    list(join(SOURCE_DIR, sub))
      .filter((f) => f.endsWith(suffix))
      .map((f) => join(SOURCE_DIR, sub, f));
  const labelFiles = inSource('labels', '.labels-meta.xml');
  return {
    objects: new Map(list(join(SOURCE_DIR, 'objects')).map((name) => [name, readObject(name)])),
    permissionSets: inSource('permissionsets', '.permissionset-meta.xml').map((f) => ({
      name: metaName(f, '.permissionset-meta.xml'),
      ...parseFile(f, 'PermissionSet', PermissionSetFile),
    })),
    customMetadata: inSource('customMetadata', '.md-meta.xml').map(readCustomMetadata),
    labels: new Map(
      labelFiles.flatMap((f) =>
        parseFile(f, 'CustomLabels', LabelsFile).labels.map((l) => [l.fullName, l.value] as const),
      ),
    ),
    bundles: list(join(SOURCE_DIR, 'lwc')).map(readBundle),
    flexiPages: inSource('flexipages', '.flexipage-meta.xml').map((f) => ({
      name: metaName(f, '.flexipage-meta.xml'),
      ...parseFile(f, 'FlexiPage', FlexiPageFile),
    })),
    tabs: inSource('tabs', '.tab-meta.xml').map((f) => metaName(f, '.tab-meta.xml')),
  };
}
