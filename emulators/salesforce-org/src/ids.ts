/**
 * Record Ids as the org checks them: 15 case-sensitive characters, or those 15 plus a three-character
 * suffix that encodes which of them are upper-case letters, five characters to a suffix character
 * (Salesforce Help, "What is a Salesforce ID?"). The org's own code, apart from the product's core.
 */
const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SUFFIX_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function suffixOf(id15: string): string {
  let suffix = '';
  for (let start = 0; start < 15; start += 5) {
    const upperCaseBits = [...id15.slice(start, start + 5)].reduce(
      (bits, ch, i) => (ch >= 'A' && ch <= 'Z' ? bits + 2 ** i : bits),
      0,
    );
    suffix += SUFFIX_CHARACTERS[upperCaseBits];
  }
  return suffix;
}

/** A well-formed 15- or 18-character Id whose suffix, when present, matches (in any case). */
export function isSalesforceId(value: unknown): value is string {
  if (typeof value !== 'string' || !ID.test(value)) return false;
  return value.length === 15 || suffixOf(value.slice(0, 15)) === value.slice(15).toUpperCase();
}

/** The 18-character form of a valid Id. */
export function toId18(id: string): string {
  if (!isSalesforceId(id)) throw new Error(`Not a Salesforce Id: ${JSON.stringify(id)}`);
  return id.slice(0, 15) + suffixOf(id.slice(0, 15));
}
