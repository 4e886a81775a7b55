/**
 * The package converts offline with Salesforce's own library (source-deploy-retrieve, what `sf project
 * deploy` uses): every file resolves to a component, nothing else is picked up, and the Metadata API
 * package lists every component.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ComponentSet, MetadataConverter, type SourceComponent } from '@salesforce/source-deploy-retrieve';
import { PACKAGE_DIR, PROJECT_ROOT, SOURCE_DIR } from './packageSource.js';

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) =>
    statSync(join(dir, entry)).isDirectory() ? walk(join(dir, entry)) : [join(dir, entry)],
  );
const filesOf = (component: SourceComponent): string[] => [
  ...(component.xml ? [component.xml] : []),
  ...(component.content ? component.walkContent() : []),
  ...component.getChildren().flatMap(filesOf),
];

describe('package conversion with source-deploy-retrieve', () => {
  const started = performance.now();
  const components = ComponentSet.fromSource(PACKAGE_DIR);
  const sourceComponents = components.getSourceComponents().toArray();
  const resolved = new Set(sourceComponents.flatMap(filesOf));
  const resolveMs = performance.now() - started;

  it('resolves every metadata file under force-app/main/default to a component', () => {
    const metadataFiles = walk(SOURCE_DIR).filter((file) => !file.includes('/__tests__/'));
    const unresolved = metadataFiles.filter((file) => !resolved.has(file)).map((file) => relative(PROJECT_ROOT, file));
    expect(unresolved).toEqual([]);
  });

  it('leaves the component tests and the jest setup out of the package (.forceignore)', () => {
    const testFiles = walk(PACKAGE_DIR).filter(
      (file) => file.includes('/__tests__/') || file.startsWith(join(PACKAGE_DIR, 'test')),
    );
    expect(testFiles.length).toBeGreaterThan(0);
    expect(testFiles.filter((file) => resolved.has(file))).toEqual([]);
  });

  it('holds the components the package is made of', () => {
    const count = (type: string) => sourceComponents.filter((c) => c.type.name === type).length;
    const children = sourceComponents.flatMap((c) => c.getChildren());
    const childCount = (type: string) => children.filter((c) => c.type.name === type).length;

    expect(count('CustomObject')).toBe(8); // 6 custom objects + 2 custom metadata types
    expect(count('CustomField')).toBe(24); // fields the package adds to standard objects
    expect(childCount('CustomField')).toBeGreaterThan(60);
    expect(childCount('ValidationRule')).toBe(7);
    expect(childCount('ListView')).toBe(3);
    expect(count('PermissionSet')).toBe(4);
    expect(count('CustomMetadata')).toBe(28);
    expect(count('LightningComponentBundle')).toBe(12);
    expect(count('CustomLabels')).toBe(1);
    expect(count('FlexiPage')).toBe(1);
    expect(count('CustomTab')).toBe(2);
  });

  it('converts to Metadata API format with a package.xml naming every component', async () => {
    const convertStarted = performance.now();
    const result = await new MetadataConverter().convert(components, 'metadata', { type: 'zip' });
    const convertMs = performance.now() - convertStarted;
    const manifest = await components.getPackageXml();

    expect(result.zipBuffer?.length).toBeGreaterThan(10_000);
    for (const member of [
      'Stripe_Sync_Record__c',
      'Stripe_Sync_Request__c',
      'Order.Stripe_Sync_Status__c',
      'Quote_Stripe_Coupon__c.Only_One_Discount',
      'Stripe_CPQ_Sales_User',
      'stripeOrderSync',
      'Stripe_Field_Mapping.Customer_Name',
    ]) {
      expect(manifest).toContain(`<members>${member}</members>`);
    }
    // A figure, not a limit: how long an offline package check takes.
    process.stdout.write(
      `force-app: ${components.size} components resolved in ${resolveMs.toFixed(0)} ms, converted in ${convertMs.toFixed(0)} ms (${result.zipBuffer?.length ?? 0} bytes zipped)\n`,
    );
  });
});
