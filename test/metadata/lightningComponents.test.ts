/**
 * Lightning components and the Order page: bundles deploy (meta file, API version), everything they
 * import exists in the package or the org (labels, schema, other bundles, related lists), and the Order
 * card is placed on Order pages only.
 */
import { readPackageSource, SOURCE_API_VERSION, type LightningBundle, type PackageSource } from './packageSource.js';
import { STANDARD_OBJECTS, SYSTEM_FIELDS } from './platformObjects.js';

const pkg = readPackageSource();
const importsOf = (bundle: LightningBundle, prefix: string) =>
  [...bundle.source.matchAll(new RegExp(`from '${prefix}([^']+)'`, 'g'))].map((m) => m[1] as string);

/** What a bundle refers to that the package or the org does not have. */
function bundleProblems(source: PackageSource, bundle: LightningBundle): string[] {
  const problems: string[] = [];
  if (!bundle.meta) problems.push(`${bundle.name}.js-meta.xml is missing`);
  else if (bundle.meta.apiVersion !== SOURCE_API_VERSION)
    problems.push(`apiVersion ${bundle.meta.apiVersion} differs from sfdx-project.json's ${SOURCE_API_VERSION}`);
  if (!bundle.files.includes(`${bundle.name}.js`)) problems.push(`${bundle.name}.js is missing`);
  for (const label of importsOf(bundle, '@salesforce/label/c.'))
    if (!source.labels.has(label)) problems.push(`custom label ${label} does not exist`);
  for (const module of importsOf(bundle, 'c/'))
    if (!source.bundles.some((b) => b.name === module)) problems.push(`module c/${module} does not exist`);
  for (const ref of importsOf(bundle, '@salesforce/schema/')) {
    const [objectName = '', fieldName] = ref.split('.');
    const object = source.objects.get(objectName);
    if (!object?.definition && !STANDARD_OBJECTS.includes(objectName))
      problems.push(`object ${objectName} does not exist`);
    else if (fieldName && !SYSTEM_FIELDS.includes(fieldName) && !object?.fields.has(fieldName))
      problems.push(`field ${ref} does not exist`);
  }
  const childRelationships = new Set(
    [...source.objects.values()].flatMap((o) =>
      [...o.fields.values()].flatMap((f) =>
        f.type === 'Lookup' || f.type === 'MasterDetail' ? [`${f.relationshipName}__r`] : [],
      ),
    ),
  );
  for (const [, relatedList] of bundle.source.matchAll(/relatedListId: '([^']+)'/g))
    if (!childRelationships.has(relatedList as string)) problems.push(`related list ${relatedList} does not exist`);
  return problems.map((problem) => `${bundle.name}: ${problem}`);
}

describe('Lightning components', () => {
  it('have a meta file and the API version of the project, and use only labels, fields, modules and related lists that exist', () => {
    expect(pkg.bundles.map((b) => b.name).sort()).toEqual([
      'billingSummaryShape',
      'labelFormat',
      'ldsUtils',
      'stripeBillingItems',
      'stripeBillingPreview',
      'stripeBillingSummary',
      'stripeCouponList',
      'stripeErrorPanel',
      'stripeOrderSync',
      'stripeSyncRecordsTable',
      'stripeSyncSummary',
      'syncRequestWatcher',
    ]);
    expect(pkg.bundles.flatMap((b) => bundleProblems(pkg, b))).toEqual([]);
  });

  it('are caught using a missing label, field, module or related list, or lacking a meta file', () => {
    const broken: LightningBundle = {
      name: 'broken',
      files: ['broken.js'],
      meta: undefined,
      html: '',
      source: [
        "import a from '@salesforce/label/c.No_Such_Label';",
        "import b from '@salesforce/schema/Order.No_Such_Field__c';",
        "import c from '@salesforce/schema/No_Such_Object__c';",
        "import { d } from 'c/noSuchModule';",
        "const e = { relatedListId: 'No_Such_List__r' };",
      ].join('\n'),
    };
    expect(bundleProblems(pkg, broken)).toEqual([
      'broken: broken.js-meta.xml is missing',
      'broken: custom label No_Such_Label does not exist',
      'broken: module c/noSuchModule does not exist',
      'broken: field Order.No_Such_Field__c does not exist',
      'broken: object No_Such_Object__c does not exist',
      'broken: related list No_Such_List__r does not exist',
    ]);
  });

  it('keep every user-facing text of the Order card and its child components in custom labels', () => {
    const card = pkg.bundles.find((b) => b.name === 'stripeOrderSync') as LightningBundle;
    expect(card.html).toContain('<lightning-card');
    // The card draws through its children: their labels together are the card's text.
    expect(pkg.bundles.flatMap((b) => importsOf(b, '@salesforce/label/c.')).length).toBeGreaterThan(30);
    const templates = pkg.bundles.filter((b) => b.html);
    expect(templates.length).toBeGreaterThan(5);
    for (const { name, html } of templates) {
      // Text between tags is either a {binding} or nothing (a character entity such as &ndash; is no words).
      const literalText = [...html.replace(/&[a-z]+;/g, '').matchAll(/>([^<>{}]*[A-Za-z][^<>{}]*)</g)]
        .map((m) => (m[1] as string).trim())
        .filter(Boolean);
      expect([name, literalText]).toEqual([name, []]);
      // Only the lwc:if family of directives, not the retired if:true.
      expect([name, /\bif:(true|false)=/.test(html)]).toEqual([name, false]);
    }
  });

  it('expose the Order card on record pages of Order only, and keep the helpers private', () => {
    const card = pkg.bundles.find((b) => b.name === 'stripeOrderSync');
    expect(card?.meta?.isExposed).toBe(true);
    expect(card?.meta?.targets?.target).toEqual(['lightning__RecordPage']);
    expect(card?.meta?.targetConfigs?.targetConfig).toEqual([
      { '@_targets': 'lightning__RecordPage', objects: { object: ['Order'] } },
    ]);
    for (const helper of pkg.bundles.map((b) => b.name).filter((name) => name !== 'stripeOrderSync')) {
      expect([helper, pkg.bundles.find((b) => b.name === helper)?.meta?.isExposed]).toEqual([helper, false]);
    }
  });

  it('place the card on the Order record page, which uses only components that exist', () => {
    expect(pkg.flexiPages.map((p) => [p.name, p.type, p.sobjectType])).toEqual([
      ['Stripe_Order_Record_Page', 'RecordPage', 'Order'],
    ]);
    const components = pkg.flexiPages.flatMap((p) =>
      p.flexiPageRegions.flatMap((r) => r.itemInstances.map((i) => i.componentInstance.componentName)),
    );
    expect(components).toContain('stripeOrderSync');
    const custom = components.filter((name) => !name.includes(':'));
    expect(custom.filter((name) => !pkg.bundles.some((b) => b.name === name && b.meta?.isExposed))).toEqual([]);
  });
});
