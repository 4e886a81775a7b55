/**
 * The emulator's state: one insertion-ordered collection per resource, Stripe-style ids, and the list and
 * search envelopes with cursor pagination (docs.stripe.com/api/pagination, /api/pagination/search).
 */
import { randomFillSync } from 'node:crypto';
import { parameterInvalid, resourceMissing } from './errors.js';
import { matchesSearch, parseSearchQuery } from './search.js';

/** What the store keeps: an object with an id (a Discount has no more in common with the rest). */
export interface StoredObject {
  id: string;
  object: string;
  deleted?: true;
  [field: string]: unknown;
}

/** Every API resource carries these; the rest of its shape is the resource's own. */
export interface StripeObject extends StoredObject {
  created: number;
  livemode: false;
  metadata?: Record<string, string> | null;
  deleted?: true;
  [field: string]: unknown;
}

/** A deep copy of a stored object (plain JSON data; JSON round-trips are faster than structuredClone here). */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random bytes for ids, refilled 4 KiB at a time: one system call per ~200 ids rather than one per id. */
const randomPool = Buffer.alloc(4096);
let poolUsed = randomPool.length;

/** `cus_` + 14 random base-62 characters, like Stripe's own ids. */
export function newId(prefix: string, length = 14): string {
  if (poolUsed + length > randomPool.length) {
    randomFillSync(randomPool);
    poolUsed = 0;
  }
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET.charAt((randomPool[poolUsed + i] ?? 0) % ALPHABET.length);
  poolUsed += length;
  return prefix ? `${prefix}_${id}` : id;
}

/**
 * Makes a write request all-or-nothing, as Stripe's are: while a write runs, every object it inserts or looks
 * up is recorded, and a refused request (an error thrown half-way) puts them all back as they were.
 */
export class Journal {
  private undo: (() => void)[] | undefined;
  private readonly touched = new Set<object>();

  begin(): void {
    this.undo = [];
    this.touched.clear();
  }

  recordInsert(remove: () => void): void {
    this.undo?.push(remove);
  }

  /** Snapshots an object the first time a write touches it. */
  recordTouch(item: StoredObject): void {
    if (!this.undo || this.touched.has(item)) return;
    this.touched.add(item);
    const before = snapshot(item);
    this.undo.push(() => {
      for (const key of Object.keys(item)) delete item[key];
      Object.assign(item, before);
    });
  }

  commit(): void {
    this.undo = undefined;
    this.touched.clear();
  }

  rollback(): void {
    for (const undo of (this.undo ?? []).reverse()) undo();
    this.commit();
  }
}

export class Collection<T extends StoredObject> {
  private readonly items = new Map<string, T>();
  /** Told of every object a write may change: each one inserted or looked up (billing's due index listens). */
  onAccess: ((item: T) => void) | undefined;

  /** `noun` is how Stripe names the resource in "No such …" errors. */
  constructor(
    readonly noun: string,
    readonly prefix: string,
    private readonly journal?: Journal,
  ) {}

  insert(item: T): T {
    this.items.set(item.id, item);
    this.journal?.recordInsert(() => this.items.delete(item.id));
    this.onAccess?.(item);
    return item;
  }

  /** Whether this very object is stored (an insert its refused request undid is not). */
  holds(item: T): boolean {
    return this.items.get(item.id) === item;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  find(id: string): T | undefined {
    const item = this.items.get(id);
    if (item) {
      this.journal?.recordTouch(item);
      this.onAccess?.(item);
    }
    return item;
  }

  /** The object, or Stripe's 404 resource_missing (deleted objects count as missing unless `allowDeleted`). */
  get(id: string, param?: string, allowDeleted = false): T {
    const item = this.find(id);
    if (!item || (item.deleted && !allowDeleted)) throw resourceMissing(this.noun, id, param);
    return item;
  }

  /** Live objects, oldest first (not journaled: writes that change objects reach them through `get`/`find`). */
  all(): T[] {
    return [...this.items.values()].filter((item) => !item.deleted);
  }

  get size(): number {
    return this.items.size;
  }
}

export interface ListEnvelope<T> {
  object: 'list';
  url: string;
  has_more: boolean;
  data: T[];
}

export interface SearchEnvelope<T> {
  object: 'search_result';
  url: string;
  has_more: boolean;
  next_page: string | null;
  data: T[];
}

function pageLimit(params: Record<string, unknown>): number {
  const limit = params.limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw parameterInvalid('limit', 'This value must be greater than or equal to 1 and less than or equal to 100.');
  }
  return limit;
}

/** Stripe lists newest first; `starting_after`/`ending_before` are object ids from a previous page. */
export function listPage<T extends StoredObject>(
  items: readonly T[],
  params: Record<string, unknown>,
  url: string,
): ListEnvelope<T> {
  const limit = pageLimit(params);
  const newestFirst = [...items].reverse();
  let start = 0;
  let end = newestFirst.length;
  if (typeof params.starting_after === 'string') {
    start = cursorIndex(newestFirst, params.starting_after, 'starting_after') + 1;
  } else if (typeof params.ending_before === 'string') {
    end = cursorIndex(newestFirst, params.ending_before, 'ending_before');
    start = Math.max(0, end - limit);
  }
  const data = newestFirst.slice(start, Math.min(end, start + limit));
  return { object: 'list', url, has_more: start + data.length < end, data };
}

function cursorIndex(items: readonly StoredObject[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index < 0) throw resourceMissing('object', id, param);
  return index;
}

/** docs.stripe.com/search: `query` in Stripe's search language, `page` an opaque cursor from `next_page`. */
export function searchPage<T extends StripeObject>(
  items: readonly T[],
  params: Record<string, unknown>,
  url: string,
): SearchEnvelope<T> {
  const limit = pageLimit(params);
  const query = parseSearchQuery(String(params.query ?? ''));
  const matches = [...items].reverse().filter((item) => matchesSearch(query, item));
  const offset = typeof params.page === 'string' ? decodePage(params.page) : 0;
  const data = matches.slice(offset, offset + limit);
  const hasMore = offset + data.length < matches.length;
  return {
    object: 'search_result',
    url,
    has_more: hasMore,
    next_page: hasMore ? encodePage(offset + data.length) : null,
    data,
  };
}

function encodePage(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodePage(page: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(page, 'base64url').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to Stripe's answer for a page token it did not issue
  }
  throw parameterInvalid('page', `Invalid page: ${page}`);
}
