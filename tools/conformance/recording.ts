/**
 * One recording of the reference connector's integration tests (format: the recordings folder's README,
 * `cpq-connector-recording/v1`): reading it, and the facts the harness derives from its traffic — which
 * orders the connector synced and in what sequence, which Stripe requests the connector wrote, and why a
 * recording cannot be replayed (the README's imperfections), so none is skipped silently.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type Fields = Record<string, unknown>;

export interface RecordedRecord {
  readonly type: string;
  readonly id: string;
  readonly fields: Fields;
}

export interface SalesforceWrite {
  readonly i: number;
  readonly method: string;
  readonly type: string;
  readonly id?: string;
  readonly body: Fields | null;
  readonly created_id?: string;
  readonly status: number;
  readonly actor_guess: 'connector' | 'test';
  readonly body_clobbered_by_vcr_filter?: boolean;
}

export interface StripeRequest {
  readonly i: number;
  readonly method: string;
  readonly path: string;
  readonly params: Fields | null;
  readonly status: number;
  readonly idempotent_replayed?: boolean;
  readonly response?: Fields;
}

export interface Recording {
  readonly id: string;
  readonly file: string;
  readonly test: {
    readonly name: string;
    readonly category: string;
    readonly ruby: {
      readonly user_config_in_test: string[];
      readonly before_block: string[];
      readonly timecop_in_test: string[];
    } | null;
  };
  readonly clock: {
    readonly originally_recorded_at: string;
    readonly recording_sessions_by_date_header: { first_i: number; last_i: number }[];
  };
  readonly salesforce: { readonly records: RecordedRecord[]; readonly writes: SalesforceWrite[] };
  readonly stripe: { readonly requests: StripeRequest[] };
}

export const RECORDING_SUFFIX = '.json.gz';

/** The shared recordings, as copied into the repository (`reference/recordings`, provenance in its README). */
export function defaultRecordingsDir(repositoryRoot: string): string {
  const dir = join(repositoryRoot, 'reference', 'recordings');
  if (!existsSync(dir))
    throw new Error(`No recordings in ${dir}; pass the recordings folder: npm run conformance -- <dir>`);
  return dir;
}

/** The recording files of a folder, by name (the order the table lists them in). */
export function recordingFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(RECORDING_SUFFIX))
    .sort()
    .map((f) => join(dir, f));
}

export function readRecording(file: string): Recording {
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Omit<Recording, 'file'> & {
    format?: string;
  };
  if (parsed.format !== 'cpq-connector-recording/v1')
    throw new Error(`${file}: not a cpq-connector-recording/v1 file (format ${String(parsed.format)})`);
  return { ...parsed, file };
}

export const isWrite = (r: { method: string }): boolean => r.method === 'POST' || r.method === 'DELETE';

/**
 * Stripe paths a test drives itself, never the connector: test clock moves, and invoices settled out of
 * band (`paid_out_of_band: true`, in 12 amendment recordings) so the clock can pass their due date — the
 * connector bills, it never records a payment (spec §1: payments stay in Stripe).
 */
const TEST_ONLY_STRIPE_PATHS = [/^\/v1\/test_helpers\/test_clocks\/[^/]+\/advance$/, /^\/v1\/invoices\/[^/]+\/pay$/];

/** Stripe writes only a test makes (the connector never deletes a customer). */
const TEST_STRIPE_ACTIONS = [{ method: 'DELETE', path: /^\/v1\/customers\/[^/]+$/ }];

/**
 * A customer created with no parameters: a test making a Stripe ID to plant on a record (the connector
 * always sends a name and `salesforce_account_*` metadata).
 */
const plantedCustomer = (r: StripeRequest): boolean =>
  r.method === 'POST' && r.path === '/v1/customers' && Object.keys(r.params ?? {}).length === 0;

/** Stripe writes the connector made: every write except the test's own (TEST_ONLY_STRIPE_PATHS, planted customers). */
export function connectorStripeWrites(recording: Recording): StripeRequest[] {
  return recording.stripe.requests.filter(
    (r) => isWrite(r) && !TEST_ONLY_STRIPE_PATHS.some((p) => p.test(r.path)) && !plantedCustomer(r),
  );
}

const activationOf = (w: SalesforceWrite): boolean =>
  w.type === 'Order' && w.method === 'PATCH' && w.body?.Status === 'Activated';

/** Where the test activated each Order (interaction index), in the order it did. */
export function activations(recording: Recording): { orderId: string; i: number }[] {
  return recording.salesforce.writes.filter(activationOf).map((w) => ({ orderId: w.id ?? '', i: w.i }));
}

/**
 * The orders the connector synced, in the sequence it first wrote about them (an Order's Stripe ID, or a
 * Sync Record naming the Order), each with the interaction where that happened. Orders the test activated
 * but the connector never wrote about are appended in activation order: the product must refuse them too.
 */
export function syncSequence(recording: Recording): { orderId: string; at: number }[] {
  const orderIds = new Set(recording.salesforce.records.filter((r) => r.type === 'Order').map((r) => r.id));
  const sequence: { orderId: string; at: number }[] = [];
  const add = (orderId: unknown, at: number): void => {
    if (typeof orderId === 'string' && orderIds.has(orderId) && !sequence.some((s) => s.orderId === orderId))
      sequence.push({ orderId, at });
  };
  for (const w of recording.salesforce.writes) {
    if (w.actor_guess !== 'connector' || !w.body) continue;
    if (w.type === 'Order') add(w.id, w.i);
    if (w.type === 'Sync_Record__c' && w.body.Secondary_Object_Type__c === 'Order')
      add(w.body.Secondary_Record_ID__c, w.i);
    if (w.type === 'Sync_Record__c') add(w.body.Primary_Record_ID__c, w.i);
  }
  const last = Math.max(0, ...recording.salesforce.writes.map((w) => w.i));
  for (const a of activations(recording)) add(a.orderId, last + 1);
  return sequence;
}

/** The connector's last Sync Record about each record that ended in an error: the recorded failures. */
export function recordedErrors(recording: Recording): { recordId: string; type: string; message: string }[] {
  const last = new Map<string, { recordId: string; type: string; message: string; status: string }>();
  for (const w of recording.salesforce.writes) {
    if (w.type !== 'Sync_Record__c' || !w.body) continue;
    const recordId = String(w.body.Secondary_Record_ID__c ?? '');
    last.set(recordId, {
      recordId,
      type: String(w.body.Secondary_Object_Type__c ?? ''),
      message: String(w.body.Resolution_Message__c ?? ''),
      status: String(w.body.Resolution_Status__c ?? ''),
    });
  }
  return [...last.values()].filter((e) => e.status === 'Error').map(({ status: _status, ...e }) => e);
}

/**
 * Why a recording cannot be replayed faithfully, or undefined. The README's imperfections: a later
 * recording session that re-ran the connector (its Stripe calls were replayed by VCR, not recorded),
 * Stripe answers marked replayed, Order bodies masked by the VCR filter; and tests with nothing to replay.
 */
export function imperfection(recording: Recording): string | undefined {
  const orders = recording.salesforce.records.filter((r) => r.type === 'Order');
  if (orders.length === 0)
    return 'no Order: the test drives the connector on single objects (customer, price, product), not on an order sync';
  if (!recording.test.ruby)
    return 'no Ruby test source matched the cassette: the connector configuration it ran with is unknown';
  const sessions = recording.clock.recording_sessions_by_date_header;
  for (const session of sessions.slice(1)) {
    const inSession = (i: number): boolean => i >= session.first_i && i <= session.last_i;
    const stripe = recording.stripe.requests.filter((r) => inSession(r.i) && isWrite(r)).length;
    const activated = recording.salesforce.writes.filter((w) => inSession(w.i) && activationOf(w)).length;
    if (stripe > 0 || activated > 0)
      return `appended recording session from interaction ${session.first_i}: ${stripe} Stripe writes and ${activated} activations re-recorded over VCR-replayed answers`;
  }
  const testWrites = recording.stripe.requests.filter((r) =>
    TEST_STRIPE_ACTIONS.some((p) => p.method === r.method && p.path.test(r.path)),
  );
  if (testWrites.length > 0)
    return `the test itself changed Stripe between syncs (${testWrites.map((r) => `${r.method} ${r.path}`).join(', ')}); the harness replays the connector's syncs only`;
  if (recording.stripe.requests.some((r) => r.idempotent_replayed))
    return 'Stripe answered some requests from its idempotency cache (replayed answers)';
  const masked = recording.salesforce.writes.filter((w) => w.body_clobbered_by_vcr_filter && w.type === 'Order');
  if (masked.length > 0)
    return `${masked.length} Order PATCH bodies masked by the VCR filter (interactions ${masked.map((w) => w.i).join(', ')}): what the test wrote is unknown`;
  const quoteIds = new Set(recording.salesforce.records.filter((r) => r.type === 'SBQQ__Quote__c').map((r) => r.id));
  const unread = orders.filter(
    (o) => typeof o.fields.SBQQ__Quote__c === 'string' && !quoteIds.has(o.fields.SBQQ__Quote__c as string),
  );
  if (unread.length > 0) return `the quote of Order ${unread.map((o) => o.id).join(', ')} was never read`;
  const ids = new Set(recording.salesforce.records.map((r) => r.id.slice(0, 15)));
  const blind = orders.filter(
    (o) =>
      o.fields.Type === 'Amendment' &&
      typeof o.fields.OpportunityId === 'string' &&
      !ids.has((o.fields.OpportunityId as string).slice(0, 15)),
  );
  if (blind.length > 0)
    return `the Opportunity of amendment Order ${blind.map((o) => o.id).join(', ')} was never read: which contract it amends is unknown`;
  if (syncSequence(recording).length === 0) return 'no Order was activated or synced in the recording';
  return undefined;
}
