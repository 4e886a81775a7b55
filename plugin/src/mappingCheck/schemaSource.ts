/**
 * Where the check learns the org's schema: the org's own describe (one composite call for every
 * object the sync reads), or — for `--source-dir` before anything is deployed — the CPQ schema the
 * product knows (standard objects and the CPQ managed package, the org emulator's catalogue) plus
 * the objects and fields of the local package source.
 */
import { readMetadataDir, loadMetadataFiles } from '../cpqSchema/metadataLoader.js';
import { defineCpqOrgSchema } from '../cpqSchema/catalog.js';
import { describeObject } from '../cpqSchema/describe.js';
import { Schema } from '../cpqSchema/schema.js';
import { RecordStore } from '../cpqSchema/store.js';
import type { CompositeSubrequest, SalesforceClient } from '../salesforce/client.js';
import { OrgSchema, SYNCED_OBJECTS, type ObjectDescribe } from './orgSchema.js';

/** Describes of every object the sync reads, in one `composite` call (objects the org lacks are left out). */
export async function describeOrg(client: SalesforceClient): Promise<OrgSchema> {
  const compositeRequest = SYNCED_OBJECTS.map((name): CompositeSubrequest => ({
    method: 'GET',
    url: `${client.basePath}/sobjects/${name}/describe`,
    referenceId: name.replace(/\W/g, '_'),
  }));
  const answers = await client.composite(compositeRequest, false);
  return new OrgSchema(answers.filter((r) => r.httpStatusCode < 300).map((r) => r.body as ObjectDescribe));
}

/** The CPQ schema plus the package source under `sourceDir` (objects and fields; records are ignored). */
export function describeLocalSource(sourceDir: string): OrgSchema {
  const schema = new Schema();
  defineCpqOrgSchema(schema);
  const files = readMetadataDir(sourceDir).filter((f) => !/(^|\/)customMetadata\//.test(f.path));
  loadMetadataFiles(schema, new RecordStore(schema, { now: () => new Date(0) }), files);
  return new OrgSchema(
    SYNCED_OBJECTS.filter((name) => schema.hasObject(name)).map(
      (name) => describeObject(schema, name, '62.0') as unknown as ObjectDescribe,
    ),
  );
}
