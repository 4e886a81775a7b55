/**
 * Describe results built from the schema: the REST API's global describe (`/sobjects`) and sObject
 * describe (`/sobjects/{name}/describe`), and the UI API's object info (`/ui-api/object-info/{name}`),
 * in the shapes those resources document (the subset clients read).
 */
import type { FieldDef, ObjectDef, SchemaReader } from './schema.js';

const UI_DATA_TYPES: Record<FieldDef['type'], string> = {
  id: 'Id',
  string: 'String',
  textarea: 'TextArea',
  boolean: 'Boolean',
  int: 'Int',
  double: 'Double',
  currency: 'Currency',
  percent: 'Percent',
  date: 'Date',
  datetime: 'DateTime',
  reference: 'Reference',
  picklist: 'Picklist',
  multipicklist: 'MultiPicklist',
  email: 'Email',
  phone: 'Phone',
  url: 'Url',
  address: 'Address',
};

function objectSummary(def: ObjectDef, apiVersion: string): Record<string, unknown> {
  const base = `/services/data/${apiVersion}/sobjects/${def.name}`;
  const isMetadataType = def.name.endsWith('__mdt');
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    customSetting: false,
    createable: !isMetadataType && def.name !== 'Organization',
    updateable: !isMetadataType,
    deletable: !isMetadataType && def.name !== 'Organization' && def.name !== 'User',
    queryable: true,
    retrieveable: true,
    searchable: true,
    layoutable: true,
    triggerable: !isMetadataType,
    undeletable: false,
    mergeable: false,
    replicateable: true,
    activateable: false,
    feedEnabled: false,
    mruEnabled: false,
    deprecatedAndHidden: false,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

export function describeGlobal(schema: SchemaReader, apiVersion: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: schema.allObjects().map((o) => objectSummary(o, apiVersion)),
  };
}

export function describeField(field: FieldDef): Record<string, unknown> {
  const numeric = ['int', 'double', 'currency', 'percent'].includes(field.type);
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: soapType(field),
    length: field.length ?? 0,
    precision: numeric ? (field.precision ?? 18) : 0,
    scale: numeric ? (field.scale ?? 0) : 0,
    digits: field.type === 'int' ? 9 : 0,
    byteLength: (field.length ?? 0) * 3,
    nillable: field.nillable,
    createable: field.createable && !field.calculated && !field.autoNumber,
    updateable: field.updateable && !field.calculated && !field.autoNumber,
    defaultedOnCreate:
      field.defaultValue !== undefined || field.autoNumber || field.type === 'boolean' || field.name === 'Id',
    defaultValue: field.defaultValue ?? null,
    externalId: field.externalId,
    unique: field.unique,
    idLookup: field.name === 'Id' || field.externalId || field.unique,
    autoNumber: field.autoNumber,
    calculated: field.calculated,
    custom: field.custom,
    filterable: field.type !== 'textarea' && field.type !== 'address',
    sortable: field.type !== 'textarea' && field.type !== 'address',
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime', 'address'].includes(field.type),
    nameField: field.name === 'Name',
    referenceTo: field.referenceTo ?? [],
    relationshipName: field.relationshipName ?? null,
    polymorphicForeignKey: (field.referenceTo?.length ?? 0) > 1,
    cascadeDelete: false,
    restrictedPicklist: field.restrictedPicklist ?? false,
    picklistValues: (field.picklistValues ?? []).map((value) => ({
      active: true,
      defaultValue: value === field.defaultValue,
      label: value,
      validFor: null,
      value,
    })),
    dependentPicklist: false,
    htmlFormatted: false,
    caseSensitive: false,
    deprecatedAndHidden: false,
  };
}

function soapType(field: FieldDef): string {
  switch (field.type) {
    case 'id':
    case 'reference':
      return 'tns:ID';
    case 'boolean':
      return 'xsd:boolean';
    case 'int':
      return 'xsd:int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'xsd:double';
    case 'date':
      return 'xsd:date';
    case 'datetime':
      return 'xsd:dateTime';
    case 'address':
      return 'urn:address';
    default:
      return 'xsd:string';
  }
}

export function describeObject(schema: SchemaReader, name: string, apiVersion: string): Record<string, unknown> {
  const def = schema.object(name);
  return {
    ...objectSummary(def, apiVersion),
    fields: [...def.fields.values()].map(describeField),
    childRelationships: schema.childRelationships(def.name).map((c) => ({
      childSObject: c.childSObject,
      field: c.field,
      relationshipName: c.relationshipName,
      cascadeDelete: false,
      restrictedDelete: false,
      deprecatedAndHidden: false,
      junctionIdListNames: [],
      junctionReferenceTo: [],
    })),
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All', name: 'everything' }],
  };
}

/** UI API Object Info (`/ui-api/object-info/{objectApiName}`), as the LWC `getObjectInfo` adapter returns it. */
export function objectInfo(schema: SchemaReader, name: string): Record<string, unknown> {
  const def = schema.object(name);
  const fields: Record<string, unknown> = {};
  for (const field of def.fields.values()) {
    fields[field.name] = {
      apiName: field.name,
      label: field.label,
      dataType: UI_DATA_TYPES[field.type],
      length: field.length ?? 0,
      precision: field.precision ?? 0,
      scale: field.scale ?? 0,
      required: !field.nillable && field.createable && field.type !== 'boolean',
      createable: field.createable && !field.calculated && !field.autoNumber,
      updateable: field.updateable && !field.calculated && !field.autoNumber,
      nameField: field.name === 'Name',
      externalId: field.externalId,
      unique: field.unique,
      custom: field.custom,
      calculated: field.calculated,
      reference: field.type === 'reference',
      referenceToInfos: (field.referenceTo ?? []).map((apiName) => ({ apiName, nameFields: ['Name'] })),
      relationshipName: field.relationshipName ?? null,
      sortable: field.type !== 'textarea' && field.type !== 'address',
      filterable: field.type !== 'textarea' && field.type !== 'address',
    };
  }
  return {
    apiName: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    createable: !def.name.endsWith('__mdt'),
    updateable: !def.name.endsWith('__mdt'),
    deletable: !def.name.endsWith('__mdt'),
    queryable: true,
    searchable: true,
    layoutable: true,
    nameFields: def.fields.has('name') ? ['Name'] : [],
    fields,
    childRelationships: schema.childRelationships(def.name).map((c) => ({
      childObjectApiName: c.childSObject,
      fieldName: c.field,
      relationshipName: c.relationshipName,
      junctionIdListNames: [],
      junctionReferenceTo: [],
    })),
    recordTypeInfos: {},
    defaultRecordTypeId: '012000000000000AAA',
    themeInfo: null,
  };
}
