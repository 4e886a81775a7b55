/**
 * Custom metadata records: they name types and fields that exist, with values of the field's type, and
 * they ship what the spec says — the default field mappings of §2.2 and one Default settings record.
 */
import {
  readPackageSource,
  type CustomField,
  type CustomMetadataRecord,
  type MetadataValue,
  type PackageSource,
} from './packageSource.js';

const pkg = readPackageSource();
const MAPPING = 'Stripe_Field_Mapping__mdt';
const SETTING = 'Stripe_Sync_Setting__mdt';

/** The xsi:type a value of each field type carries. */
const XSD_TYPE: Readonly<Record<string, string>> = {
  Checkbox: 'xsd:boolean',
  Number: 'xsd:double',
  Percent: 'xsd:double',
  Date: 'xsd:date',
  DateTime: 'xsd:dateTime',
  Text: 'xsd:string',
  TextArea: 'xsd:string',
  LongTextArea: 'xsd:string',
  Picklist: 'xsd:string',
  Url: 'xsd:string',
  Email: 'xsd:string',
  Phone: 'xsd:string',
};

function valueProblem(field: CustomField, value: MetadataValue): string | undefined {
  if (value === null) return field.required ? 'is required' : undefined;
  if (XSD_TYPE[field.type] !== value.xsdType) return `is ${value.xsdType}, expected ${XSD_TYPE[field.type]}`;
  if (field.type === 'Picklist' && !field.valueSet.valueSetDefinition.value.some((v) => v.fullName === value.text))
    return `"${value.text}" is not a value of the picklist`;
  if (field.type === 'Text' && value.text.length > field.length) return `is longer than ${field.length}`;
  if (field.type === 'Checkbox' && !['true', 'false'].includes(value.text))
    return `"${value.text}" is not true or false`;
  if ((field.type === 'Number' || field.type === 'Percent') && !Number.isFinite(Number(value.text)))
    return `"${value.text}" is not a number`;
  return undefined;
}

function recordProblems(source: PackageSource, record: CustomMetadataRecord): string[] {
  const type = source.objects.get(record.type);
  if (!type?.definition) return [`${record.type}.${record.name}: type ${record.type} does not exist`];
  const problems: string[] = [];
  if (!/^[A-Za-z](?!.*__)[A-Za-z0-9_]{0,39}$/.test(record.name) || record.name.endsWith('_'))
    problems.push('name must be 1-40 letters, digits and single underscores');
  for (const [fieldName, value] of record.values) {
    const field = type.fields.get(fieldName);
    const problem = field ? valueProblem(field, value) : 'does not exist';
    if (problem) problems.push(`${fieldName} ${problem}`);
  }
  for (const field of type.fields.values())
    if (field.required && !record.values.has(field.fullName)) problems.push(`${field.fullName} is required`);
  return problems.map((problem) => `${record.type}.${record.name}: ${problem}`);
}

const text = (record: CustomMetadataRecord | undefined, field: string) => {
  const value = record?.values.get(field);
  return value === null || value === undefined ? value : value.text;
};

describe('custom metadata records', () => {
  it('name existing types and fields and hold values of each field’s type', () => {
    expect(pkg.customMetadata.length).toBe(28);
    expect(pkg.customMetadata.flatMap((r) => recordProblems(pkg, r))).toEqual([]);
  });

  it('are caught naming a missing field, a value of the wrong type or a value outside the picklist', () => {
    const broken: CustomMetadataRecord = {
      type: MAPPING,
      name: 'Broken__Name',
      label: 'x',
      values: new Map<string, MetadataValue>([
        ['Mapping_Key__c', { xsdType: 'xsd:string', text: 'subscription' }],
        ['Active__c', { xsdType: 'xsd:string', text: 'yes' }],
        ['Stripe_Path__c', null],
        ['No_Such_Field__c', { xsdType: 'xsd:string', text: 'x' }],
      ]),
    };
    expect(recordProblems(pkg, broken)).toEqual([
      'Stripe_Field_Mapping__mdt.Broken__Name: name must be 1-40 letters, digits and single underscores',
      'Stripe_Field_Mapping__mdt.Broken__Name: Mapping_Key__c "subscription" is not a value of the picklist',
      'Stripe_Field_Mapping__mdt.Broken__Name: Active__c is xsd:string, expected xsd:boolean',
      'Stripe_Field_Mapping__mdt.Broken__Name: Stripe_Path__c is required',
      'Stripe_Field_Mapping__mdt.Broken__Name: No_Such_Field__c does not exist',
    ]);
  });

  it('ship exactly the default field mappings of spec §2.2, active and marked Default', () => {
    const mappings = pkg.customMetadata.filter((r) => r.type === MAPPING);
    const shipped = mappings.map((r) => [
      text(r, 'Mapping_Key__c'),
      text(r, 'Stripe_Path__c'),
      text(r, 'Salesforce_Path__c'),
    ]);
    const address = (prefix: string, source: string) =>
      ['line1', 'city', 'state', 'postal_code', 'country'].map((part, i) => [
        'customer',
        `${prefix}address.${part}`,
        `${source}${['Street', 'City', 'State', 'PostalCode', 'Country'][i]}`,
      ]);
    expect(shipped.sort()).toEqual(
      [
        ['customer', 'name', 'Name'],
        ['customer', 'phone', 'Phone'],
        ['customer', 'description', 'Description'],
        ...address('', 'Billing'),
        ['customer', 'shipping.name', 'Name'],
        ['customer', 'shipping.phone', 'Phone'],
        ...address('shipping.', 'Shipping'),
        ['product', 'name', 'Name'],
        ['product', 'description', 'Description'],
        ['price', 'recurring.interval_count', 'Product2.SBQQ__BillingFrequency__c'],
        ['price', 'recurring.usage_type', 'Product2.SBQQ__BillingType__c'],
        ['price_order_item', 'recurring.interval_count', 'SBQQ__BillingFrequency__c'],
        ['price_order_item', 'recurring.usage_type', 'SBQQ__BillingType__c'],
        ['coupon', 'name', 'Name__c'],
        ['coupon', 'amount_off', 'Amount_Off__c'],
        ['coupon', 'percent_off', 'Percent_Off__c'],
        ['coupon', 'duration', 'Duration__c'],
        ['coupon', 'duration_in_months', 'Duration_In_Months__c'],
        ['coupon', 'max_redemptions', 'Max_Redemptions__c'],
      ].sort(),
    );
    for (const r of mappings)
      expect([r.name, text(r, 'Source__c'), text(r, 'Active__c'), text(r, 'Static_Value__c')]).toEqual([
        r.name,
        'Default',
        'true',
        null,
      ]);
  });

  it('ship one Default settings record that sets every setting', () => {
    const settings = pkg.customMetadata.filter((r) => r.type === SETTING);
    expect(settings.map((r) => r.name)).toEqual(['Default']);
    const [defaults] = settings;
    const fields = [...(pkg.objects.get(SETTING)?.fields.keys() ?? [])];
    expect(fields.length).toBeGreaterThan(25);
    expect(fields.filter((f) => !defaults?.values.has(f))).toEqual([]);
    expect(
      Object.fromEntries(
        [
          'Default_Currency__c',
          'Multi_Currency__c',
          'Sync_Start_Date__c',
          'Live_Sync_Enabled__c',
          'Order_Sync_Filter__c',
          'Sync_Record_Retention__c',
          'API_Percentage_Limit__c',
          'Proration_Precision__c',
          'Collection_Method__c',
          'Days_Until_Due__c',
        ].map((f) => [f, text(defaults, f)]),
      ),
    ).toEqual({
      Default_Currency__c: 'USD',
      Multi_Currency__c: 'false',
      Sync_Start_Date__c: null,
      // Installing never starts syncing past orders by itself: the admin sets a start date and turns it on.
      Live_Sync_Enabled__c: 'false',
      Order_Sync_Filter__c: "Status = 'Activated'",
      Sync_Record_Retention__c: '10000',
      API_Percentage_Limit__c: '95',
      Proration_Precision__c: 'month',
      // Spec §6.17: Stripe's charge_automatically would charge customers that have no payment method.
      Collection_Method__c: 'send_invoice',
      Days_Until_Due__c: '30',
    });
  });
});
