/**
 * Field types written the way Setup and CPQ's metadata show them (`Currency(16,2)`, `Lookup(Account)`,
 * `Picklist(Range|Slab)`, `Formula Date`), turned into the schema's field definitions. It keeps the
 * recorded part of the catalogue (catalogRecorded.json) as data a reader can hold against its source.
 *
 * Grammar: `[Formula |Roll-Up ]<type>[ read-only][ external-id]`, where <type> is one of Text(n),
 * Text Area(n), Long Text Area(n), Rich Text Area(n), Email, Phone, URL(n), Picklist, Picklist(a|b|…),
 * Checkbox, Integer, Number(p,s), Currency(p,s), Percent(p,s), Date, Date/Time, Lookup(Object|…),
 * Address (a compound address: read-only, returned as an object, never filtered).
 */
import { fieldDef, type FieldDef } from './schema.js';

type Spec = Omit<Partial<FieldDef>, 'name'> & Pick<FieldDef, 'type'>;

const TYPES: ReadonlyArray<readonly [RegExp, (args: string[]) => Spec]> = [
  [/^Text\((\d+)\)$/, ([n]) => ({ type: 'string', length: Number(n) })],
  [/^(?:Long |Rich )?Text Area\((\d+)\)$/, ([n]) => ({ type: 'textarea', length: Number(n) })],
  [/^Email$/, () => ({ type: 'email', length: 80 })],
  [/^Phone$/, () => ({ type: 'phone', length: 40 })],
  [/^URL\((\d+)\)$/, ([n]) => ({ type: 'url', length: Number(n) })],
  [/^Picklist$/, () => ({ type: 'picklist', length: 255 })],
  [/^Picklist\((.+)\)$/, ([values]) => ({ type: 'picklist', length: 255, picklistValues: (values ?? '').split('|') })],
  [/^Checkbox$/, () => ({ type: 'boolean', nillable: false, defaultValue: false })],
  [/^Integer$/, () => ({ type: 'int', precision: 9, scale: 0 })],
  [/^Number\((\d+),(\d+)\)$/, ([p, s]) => ({ type: 'double', precision: Number(p), scale: Number(s) })],
  [/^Currency\((\d+),(\d+)\)$/, ([p, s]) => ({ type: 'currency', precision: Number(p), scale: Number(s) })],
  [/^Percent\((\d+),(\d+)\)$/, ([p, s]) => ({ type: 'percent', precision: Number(p), scale: Number(s) })],
  [/^Date$/, () => ({ type: 'date' })],
  [/^Date\/Time$/, () => ({ type: 'datetime' })],
  [/^Lookup\((.+)\)$/, ([to]) => ({ type: 'reference', length: 18, referenceTo: (to ?? '').split('|') })],
  [/^Address$/, () => ({ type: 'address', createable: false, updateable: false })],
];

const READ_ONLY = { createable: false, updateable: false } as const;

/** The field `name` of the type `notation` describes; an unknown notation is a mistake in the data file. */
export function fieldFromNotation(name: string, notation: string): FieldDef {
  const [, head = '', tags = ''] = /^(.*?)((?: (?:read-only|external-id))*)$/.exec(notation.trim()) ?? [];
  const computed = /^(?:Formula|Roll-Up) /.exec(head);
  const type = computed ? head.slice(computed[0].length) : head;
  const match = TYPES.map(([pattern, build]) => [pattern.exec(type), build] as const).find(([m]) => m);
  if (!match?.[0]) throw new Error(`catalogRecorded.json: ${name} has the unknown type "${notation}"`);
  const spec = match[1](match[0].slice(1));
  return fieldDef({
    name,
    ...spec,
    ...(spec.type === 'reference' ? { relationshipName: relationshipNameOf(name) } : {}),
    ...(tags.includes('read-only') || computed ? READ_ONLY : {}),
    ...(computed ? { calculated: true } : {}),
    ...(tags.includes('external-id') ? { externalId: true } : {}),
  });
}

/** `SBQQ__RenewedContract__c` → `SBQQ__RenewedContract__r`, `ParentId` → `Parent`. */
function relationshipNameOf(name: string): string {
  return name.endsWith('__c') ? name.replace(/__c$/, '__r') : name.replace(/Id$/, '');
}
