/**
 * Change Data Capture channels as deployed metadata declares them: a custom data channel
 * (`platformEventChannels/Name__chn.platformEventChannel-meta.xml`, channelType `data`) and its members
 * (`platformEventChannelMembers/*.platformEventChannelMember-meta.xml`: eventChannel, selectedEntity,
 * filterExpression) — Metadata API Developer Guide, "PlatformEventChannel" and "PlatformEventChannelMember".
 *
 * A member's filter is checked as Salesforce checks it at deploy ("Change Event Filters", Change Data
 * Capture Developer Guide): a SOQL-like condition on the entity's own fields, with =, !=, <, >, <=, >=,
 * LIKE, IN, NOT IN joined by AND/OR/NOT — no relationship fields, functions or subqueries. A bad channel
 * fails the emulator's start, or a Metadata API deploy, with the file and the fix.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseQuery, type Condition, type WhereClause } from '@jetstreamapp/soql-parser-js';
import { XMLParser } from 'fast-xml-parser';
import type { Schema } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import type { QueryScope } from '../soql/scope.js';
import { compileWhere } from '../soql/where.js';

export interface ChannelMember {
  /** `OrderChangeEvent`, `Stripe_Sync_Request__ChangeEvent`. */
  readonly entity: string;
  /** The object whose changes the entity carries: `Order`, `Stripe_Sync_Request__c`. */
  readonly sobject: string;
  readonly filterExpression: string | undefined;
  /** Whether a change's values pass the member's filter (always true without one). */
  readonly admits: (values: SObjectRecord) => boolean;
  /** Entity fields the filter names: Salesforce enriches every event with their values. */
  readonly filterFields: readonly string[];
}

export interface DataChannel {
  /** `Stripe_CPQ_Sync__chn`; its topic is `/data/Stripe_CPQ_Sync__chn`. */
  readonly name: string;
  readonly members: readonly ChannelMember[];
}

export interface ChannelFile {
  readonly path: string;
  readonly content: string;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });
const FILTER_OPERATORS = new Set(['=', '!=', '<', '>', '<=', '>=', 'LIKE', 'IN', 'NOT IN']);

/** Every channel and channel member file under a source directory such as `force-app`. */
export function readChannelFiles(dir: string): ChannelFile[] {
  const files: ChannelFile[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const full = join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.platformEventChannel(Member)?-meta\.xml$/.test(entry))
        files.push({ path: full, content: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return files;
}

/**
 * What checking a channel needs to know of the org: its objects and their fields, by their exact names.
 * A deploy answers for the org as it will be, its own objects and fields included.
 */
export interface ChannelSchema {
  objectName(name: string): string | undefined;
  fieldName(object: string, field: string): string | undefined;
}

/** A member as checked: its filter parsed, not yet compiled against the org's records. */
interface CheckedMember extends Omit<ChannelMember, 'admits'> {
  readonly where: WhereClause | undefined;
}

/** The org's schema as a channel check reads it. */
export function channelSchemaOf(schema: Schema): ChannelSchema {
  return {
    objectName: (name) => (schema.hasObject(name) ? schema.object(name).name : undefined),
    fieldName: (object, field) => schema.object(object).fields.get(field.toLowerCase())?.name,
  };
}

/** Throws, naming the file and the fix, what a deploy of these channel files would refuse. */
export function checkChannels(files: readonly ChannelFile[], schema: ChannelSchema): void {
  checkedChannels(files, schema);
}

/** The data channels the files declare, members checked against the org's schema. */
export function loadChannels(files: readonly ChannelFile[], schema: Schema, scope: QueryScope): DataChannel[] {
  return [...checkedChannels(files, channelSchemaOf(schema))].map(([name, members]) => ({
    name,
    members: members.map(({ where, ...member }) => ({
      ...member,
      admits: where ? compileWhere(where, member.sobject, scope).predicate : () => true,
    })),
  }));
}

function checkedChannels(files: readonly ChannelFile[], schema: ChannelSchema): Map<string, CheckedMember[]> {
  const channels = new Map<string, CheckedMember[]>();
  for (const file of files.filter((f) => f.path.endsWith('.platformEventChannel-meta.xml'))) {
    const name = basename(file.path).replace('.platformEventChannel-meta.xml', '');
    const xml = (parser.parse(file.content) as { PlatformEventChannel?: { channelType?: string } })
      .PlatformEventChannel;
    if (xml?.channelType !== 'data')
      throw new Error(
        `${file.path}: channelType must be "data" for a Change Data Capture channel (an "event" channel carries platform events).`,
      );
    channels.set(name, []);
  }
  for (const file of files.filter((f) => f.path.endsWith('.platformEventChannelMember-meta.xml'))) {
    const xml =
      (parser.parse(file.content) as { PlatformEventChannelMember?: Record<string, string | undefined> })
        .PlatformEventChannelMember ?? {};
    const channel = xml.eventChannel ?? '';
    const members = channels.get(channel);
    if (!members)
      throw new Error(
        `${file.path}: eventChannel ${channel || '(missing)'} is not a channel of this package; deploy platformEventChannels/${channel || 'Name__chn'}.platformEventChannel-meta.xml with it.`,
      );
    members.push(channelMember(file.path, xml.selectedEntity ?? '', xml.filterExpression, schema));
  }
  return channels;
}

/** `OrderChangeEvent` → `Order`; `Stripe_Sync_Request__ChangeEvent` → `Stripe_Sync_Request__c`. */
export function changeEventObject(entity: string): string | undefined {
  if (entity.endsWith('__ChangeEvent')) return `${entity.slice(0, -'__ChangeEvent'.length)}__c`;
  if (entity.endsWith('ChangeEvent')) return entity.slice(0, -'ChangeEvent'.length);
  return undefined;
}

function channelMember(
  path: string,
  entity: string,
  filterExpression: string | undefined,
  schema: ChannelSchema,
): CheckedMember {
  const sobject = changeEventObject(entity);
  const name = sobject && schema.objectName(sobject);
  if (!name)
    throw new Error(
      `${path}: selectedEntity ${entity || '(missing)'} is not the change event of an object in this org (OrderChangeEvent, My_Object__ChangeEvent).`,
    );
  if (!filterExpression)
    return { entity, sobject: name, filterExpression: undefined, where: undefined, filterFields: [] };
  let where: WhereClause | undefined;
  try {
    where = parseQuery(`SELECT Id FROM ${name} WHERE ${filterExpression}`).where;
  } catch (error) {
    throw new Error(
      `${path}: filterExpression "${filterExpression}" is not a valid filter: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const fields = filterConditions(where).map((condition) => checkedFilterField(path, condition, name, schema));
  return { entity, sobject: name, filterExpression, where, filterFields: [...new Set(fields)] };
}

function filterConditions(where: WhereClause | undefined): Condition[] {
  const conditions: Condition[] = [];
  let node = where as { left?: Condition | null; right?: WhereClause } | undefined;
  while (node) {
    if (node.left) conditions.push(node.left);
    node = node.right as typeof node;
  }
  return conditions;
}

function checkedFilterField(path: string, condition: Condition, sobject: string, schema: ChannelSchema): string {
  const c = condition as Condition & { field?: string; operator?: string; fn?: unknown; valueQuery?: unknown };
  const fix =
    'Use fields of the object itself with =, !=, <, >, <=, >=, LIKE, IN or NOT IN (Change Data Capture Developer Guide, "Change Event Filters").';
  if (c.fn || c.valueQuery || !c.field || c.field.includes('.'))
    throw new Error(
      `${path}: the filter may not use functions, subqueries or relationship fields (${JSON.stringify(condition)}). ${fix}`,
    );
  if (!FILTER_OPERATORS.has(String(c.operator).toUpperCase()))
    throw new Error(`${path}: the filter operator ${String(c.operator)} is not supported. ${fix}`);
  const field = schema.fieldName(sobject, c.field);
  if (!field) throw new Error(`${path}: the filter names ${c.field}, which is not a field of ${sobject}.`);
  return field;
}
