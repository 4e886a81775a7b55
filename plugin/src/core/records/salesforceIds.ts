/**
 * Salesforce record Ids: 15-character case-sensitive or 18-character case-insensitive form, whose first
 * three characters are the object's key prefix. Validating an Id before it reaches SOQL is also what
 * keeps injected text out of queries.
 */

const ID_CHARS = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The key prefixes the product meets, by object (Salesforce's own, stable across orgs). */
export const KEY_PREFIXES = {
  Account: '001',
  Contact: '003',
  Opportunity: '006',
  Product2: '01t',
  Pricebook2: '01s',
  PricebookEntry: '01u',
  Contract: '800',
  Order: '801',
  OrderItem: '802',
  User: '005',
  ConsumptionSchedule: '0Mh',
  ConsumptionRate: '0Mo',
} as const;

/** The three-character checksum that turns a 15-character Id into its 18-character form. */
export function idSuffix(id15: string): string {
  return suffixChar(id15, 0) + suffixChar(id15, 1) + suffixChar(id15, 2);
}

/** One checksum character: which of the block's five characters are upper-case letters. */
function suffixChar(id15: string, block: number): string {
  let bits = 0;
  for (let i = 0; i < 5; i++) {
    const ch = id15.charAt(block * 5 + i);
    if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
  }
  return SUFFIX_ALPHABET.charAt(bits);
}

/** True for a well-formed 15- or 18-character Id whose checksum (when present) is right. */
export function isSalesforceId(value: unknown): value is string {
  if (typeof value !== 'string' || !ID_CHARS.test(value)) return false;
  if (value.length === 15) return true;
  // Character by character, without slicing: every Id field of every parsed record is checked.
  for (let block = 0; block < 3; block++) {
    if (suffixChar(value, block) !== value.charAt(15 + block).toUpperCase()) return false;
  }
  return true;
}

/** The 18-character form of a valid Id. */
export function toId18(id: string): string {
  if (!isSalesforceId(id)) throw new Error(`Not a Salesforce Id: ${JSON.stringify(id)}`);
  return id.length === 18 ? id.slice(0, 15) + id.slice(15).toUpperCase() : id + idSuffix(id);
}

/** Two Ids name the same record when their 15-character case-sensitive forms match. */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && isSalesforceId(a) && isSalesforceId(b) && a.slice(0, 15) === b.slice(0, 15);
}
