// The conformance harness over the reference connector's recorded integration tests: every shared
// recording gets a verdict and every difference has a recorded reason (what CI guards from now on); the
// same recordings in a folder the harness has never seen give the same lines; and recorded failures end,
// in the product, with the same error class on the same record.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingBlock, runHarness, type HarnessRun } from './support.js';

// The harness replays ~140 recordings through both emulators (about 40 s on a quiet 2-core machine).
const HARNESS_TIMEOUT_MS = 300_000;

/** A match, plain differences, a recorded failure, an imperfect recording and a test with no order. */
const SAMPLE = [
  'translate.test_subscription_schedule_mapping__maps_an_enum_value_from_SBQQ__PaymentTerms__c',
  'test_translate_order__integrates_a_standard_subscription_order',
  'test_order_failures__does_not_allow_a_quantity_greater_than_1_on_metered_billing_items',
  'test_one_time_order__integrates_an_invoice_order',
  'translate.test_price__translates_a_recurring_pricebook_entry_to_a_stripe_price',
];

/** Recordings whose test ends in a connector error; the product must fail the same way, on the same record. */
const RECORDED_FAILURES = [
  'test_order_failures__does_not_allow_a_quantity_greater_than_1_on_metered_billing_items',
  'test_order_failures__creates_a_user_error_when_the_subscription_term_does_not_exist',
  'test_evergreen_order__raises_user_error_when_evergreen_order_has_default_subscription_term_not_1',
  'test_evergreen_order__raises_user_error_when_there_are_evergreen_and_renewable_items_on_same_order',
  'amendments.test_evergreen_amendments__does_not_allow_renewable_product_to_be_added_to_evergreen_order',
  'amendments.test_amendments__order_amendment_does_not_coterminating_with_initial_order',
];

/** Recorded failures of a new order (no earlier step to sync). */
const NEW_ORDER_FAILURES = RECORDED_FAILURES.filter((name) =>
  /test_order_failures|test_evergreen_order__raises/.test(name),
);

let shared: HarnessRun;
let recordingsDir: string;

beforeAll(() => {
  shared = runHarness();
  recordingsDir = /^recordings: (.+)$/m.exec(shared.stderr)?.[1] ?? '';
}, HARNESS_TIMEOUT_MS);

describe('conformance with the reference connector', () => {
  it('gives every shared recording a verdict, and every difference a recorded reason (exit 0)', () => {
    expect(shared.stderr).not.toContain('Error');
    const verdicts = shared.stdout.split('\n').filter((l) => /^(matches|differs|cannot run) /.test(l));
    expect(verdicts.length).toBeGreaterThanOrEqual(139);
    expect(shared.stdout).not.toContain('NOT IN decisions.json');
    // Every difference has been analysed: none is left `untriaged` (a decision, an API change, scope, harness or an open bug).
    expect(shared.stdout).not.toContain('[untriaged:');
    expect(shared.stdout).toMatch(
      /^\d+ recordings: \d+ match, \d+ differ with a recorded reason, 0 differ without one, \d+ cannot run$/m,
    );
    expect(shared.status).toBe(0);
  });

  it('says why each recording it cannot run is left out, never skipping one silently', () => {
    const cannot = shared.stdout.split('\n').filter((l) => l.startsWith('cannot run '));
    expect(cannot.length).toBeGreaterThan(0);
    for (const line of cannot) expect(line).toMatch(/^cannot run \S+: .{10,}/);
    expect(recordingBlock(shared.stdout, 'test_one_time_order__integrates_an_invoice_order')[0]).toContain(
      'appended recording session',
    );
  });

  it('ends each recorded failure with the same error class on the same record', () => {
    for (const name of RECORDED_FAILURES) {
      const block = recordingBlock(shared.stdout, name);
      expect(block[0]).toMatch(/^(matches|differs) /);
      expect(block.filter((l) => l.includes(' error on '))).toEqual([]);
    }
  });

  it('writes nothing to Stripe for a new order the reference failed on (it had created customers and prices first)', () => {
    for (const name of NEW_ORDER_FAILURES)
      expect(recordingBlock(shared.stdout, name)).toContain('    note: product Stripe writes: 0');
  });

  it(
    'prints the same lines for recordings copied to a folder it has never seen',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'conformance-unseen-'));
      try {
        for (const name of SAMPLE) copyFileSync(join(recordingsDir, `${name}.json.gz`), join(dir, `${name}.json.gz`));
        const unseen = runHarness(dir);
        expect(unseen.status).toBe(0);
        for (const name of SAMPLE) {
          const block = recordingBlock(unseen.stdout, name);
          expect(block.length).toBeGreaterThan(0);
          expect(block).toEqual(recordingBlock(shared.stdout, name));
        }
        expect(unseen.stdout).toContain(`${SAMPLE.length} recordings: `);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    HARNESS_TIMEOUT_MS,
  );
});
