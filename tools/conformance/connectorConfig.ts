/**
 * The reference connector's per-test configuration → the product's settings and mapping records.
 *
 * A recording carries the Ruby lines that configured the connector (`test.ruby.before_block`, then
 * `user_config_in_test`): feature flags, connector settings, `field_defaults` and `field_mappings` hashes.
 * This module parses those few statement shapes (a small Ruby-literal reader, nothing more) and applies
 * them over the connector's defaults (`make_user` in its test helpers). Every flag, setting and value it
 * cannot translate is in a reviewed table below with its reason; anything else stops the replay as
 * "cannot run", naming the line, so no configuration is guessed.
 */
import type { MappingConfig } from '../../plugin/lib/core/mappings/mappings.js';
import type { SettingsInput } from '../../plugin/lib/core/settings.js';
import type { Recording } from './recording.ts';

type Features = NonNullable<SettingsInput['features']>;

/**
 * The connector's defaults where they differ from the product's: its optional features start off.
 * The product's own decisions (README Decisions q13, q16, q17, q18) are kept, so their differences show
 * and are defended in decisions.json.
 */
const REFERENCE_FEATURES: Features = {
  frontendProrations: false,
  nonAnniversaryAmendments: false,
  dayProrations: false,
  terminatedOrderItemCredit: false,
  quantityReductionOrderItemCredit: false,
  autoAdvanceProrationInvoices: false,
  oldOrderMigration: false,
  terminationMetadata: false,
  updateCustomerOnSync: false,
  updateProductOnSync: false,
  coupons: false,
  testClocks: false,
};

/** Connector feature flag → the product's feature. */
const FEATURE_FLAGS: Readonly<Record<string, keyof Features>> = {
  DAY_PRORATIONS: 'dayProrations',
  NON_ANNIVERSARY_AMENDMENTS: 'nonAnniversaryAmendments',
  TERMINATED_ORDER_ITEM_CREDIT: 'terminatedOrderItemCredit',
  TERMINATION_METADATA: 'terminationMetadata',
  TEST_CLOCKS: 'testClocks',
  COUPONS: 'coupons',
  FRONTEND_PRORATIONS: 'frontendProrations',
  UPDATE_PRODUCT_ON_SYNC: 'updateProductOnSync',
  UPDATE_CUSTOMER_ON_ORDER_TRANSLATION: 'updateCustomerOnSync',
  AUTO_ADVANCE_PRORATION_INVOICE: 'autoAdvanceProrationInvoices',
  OLD_ORDER_MIGRATIONS: 'oldOrderMigration',
  MDQ: 'mdq',
};

/** Reviewed exceptions: connector flags and settings with no counterpart in an order sync, and why. */
export const UNTRANSLATED: Readonly<Record<string, string>> = {
  SF_CACHING: 'a Salesforce read cache; the product reads the contract graph in 3 calls without one',
  CATCH_ALL_ERRORS: 'how the connector reports unexpected exceptions; the product always reports them on a Sync Record',
  ACCOUNT_POLLING: 'the connector polls Accounts for customer updates; not part of an order sync',
  CONNECTOR_SETTING_POLLING_ENABLED: 'order polling (the relay polls in the product); not part of one order sync',
  STRIPE_REVENUE_CONTRACT:
    'Stripe revenue-recognition contracts (private beta) are out of the product; their writes show as differences',
  INVOICE_RENDERING_TEMPLATE: 'the gate of a field default the product sends as any other mapped path',
  BILLING_GATE_OPEN_INVOICING_INTERVAL: 'a Stripe account gate for invoicing intervals, not a connector behaviour',
};

/** A subscription's parameter → the schedule parameter that sets it. */
const SUBSCRIPTION_PATHS: Readonly<Record<string, string>> = {
  collection_method: 'default_settings.collection_method',
  days_until_due: 'default_settings.invoice_settings.days_until_due',
};

/** Ruby values the lines name but do not define (test locals and helpers), with what stands for them. */
const RUBY_VALUES: Readonly<Record<string, { value: unknown; reason: string }>> = {
  create_random_email: {
    value: 'conformance@example.com',
    reason: 'a random address per run; compared as "an email is set"',
  },
};

export interface TranslatedConfig {
  readonly settings: SettingsInput;
  readonly mappings: MappingConfig;
  /** Flags and settings applied from the reviewed exceptions (shown in the output). */
  readonly notes: string[];
}

export class UntranslatableConfig extends Error {}

/** The settings and mappings the product runs a recording with; `now` answers `Time.now`. */
export function translateConfig(recording: Recording, now: Date): TranslatedConfig {
  const ruby = recording.test.ruby;
  const source = [...(ruby?.before_block ?? []), ...(ruby?.user_config_in_test ?? [])].join('\n');
  const features: Features = { ...REFERENCE_FEATURES };
  const settings: SettingsInput = { features };
  const mappings = {
    fieldMappings: {} as Record<string, Record<string, string>>,
    fieldDefaults: {} as Record<string, Record<string, string | number | boolean>>,
  };
  const notes: string[] = [];
  const variables = new Map<string, unknown>();
  const reader = new RubyReader(variables, notes);

  for (const statement of statements(source)) {
    let m: RegExpMatchArray | null;
    if ((m = statement.match(/^@(\w+)\s*=\s*(["'\d].*)$/))) variables.set(`@${m[1]}`, reader.read(m[2] ?? ''));
    else if ((m = statement.match(/(enable|disable)_feature\(?\s*(?:StripeForce::Constants::)?FeatureFlags::(\w+)/))) {
      const [, verb, flag = ''] = m;
      const feature = FEATURE_FLAGS[flag];
      if (feature) features[feature] = verb === 'enable';
      else if (UNTRANSLATED[flag]) notes.push(`${flag} not translated: ${UNTRANSLATED[flag]}`);
      else throw new UntranslatableConfig(`unknown feature flag ${flag} in "${statement}"`);
    } else if ((m = statement.match(/connector_settings\[(\w+)\]\s*=\s*(.+)$/)))
      applySetting(m[1] ?? '', m[2] ?? '', settings, reader, now, notes);
    else if (
      (m = statement.match(
        /connector_settings\[["']filters["']\](?:\[SF_ORDER\]\s*=\s*(.+)|\s*=\s*\{\s*SF_ORDER\s*=>\s*(.+)\})$/,
      ))
    ) {
      const filter = reader.read((m[1] ?? m[2] ?? '').trim());
      if (typeof filter !== 'string') throw new UntranslatableConfig(`order filter is not a string: "${statement}"`);
      settings.orderSyncFilter = `Status = 'Activated' AND (${filter})`;
    } else if (
      (m =
        statement.match(/field_(defaults|mappings)(?:\[["'](\w+)["']\])?\s*=\s*(\{[\s\S]*\})$/) ??
        statement.match(/update\(field_(defaults|mappings):()\s*(\{[\s\S]*\})\s*\)$/))
    ) {
      const [, kind, key, literal = ''] = m;
      const value = reader.read(literal) as Record<string, unknown>;
      const layers = key ? { [key]: value } : value;
      const target = kind === 'defaults' ? mappings.fieldDefaults : mappings.fieldMappings;
      // Assigning the whole hash replaces what was there (Ruby assignment); a key assignment merges.
      if (!key) for (const k of Object.keys(target)) delete target[k];
      for (const [mappingKey, paths] of Object.entries(layers))
        target[mappingKey] = Object.fromEntries(
          Object.entries(paths as Record<string, unknown>).map(([p, v]) => [
            p,
            kind === 'defaults' ? (v as string | number | boolean) : String(v),
          ]),
        );
    }
  }
  for (const [kind, layers] of Object.entries(mappings)) {
    const subscription = layers.subscription;
    if (!subscription) continue;
    // The connector maps evergreen subscriptions under `subscription`; the product under subscription_schedule,
    // where a subscription's top-level invoice settings are the schedule's default settings.
    const paths = Object.fromEntries(
      Object.entries(subscription).map(([path, value]) => [SUBSCRIPTION_PATHS[path] ?? path, value]),
    );
    layers.subscription_schedule = { ...paths, ...layers.subscription_schedule };
    delete layers.subscription;
    notes.push(
      `${kind} of "subscription" (evergreen) applied as subscription_schedule (${Object.keys(paths).join(', ')})`,
    );
  }
  return { settings, mappings: mappings as MappingConfig, notes };
}

function applySetting(
  name: string,
  raw: string,
  settings: SettingsInput,
  reader: RubyReader,
  now: Date,
  notes: string[],
): void {
  switch (name) {
    case 'CONNECTOR_SETTING_CPQ_PRORATE_PRECISION':
      settings.proratePrecision = reader.read(raw) as 'month' | 'month+day';
      return;
    case 'CONNECTOR_SETTING_SYNC_START_DATE': {
      const seconds = raw.trim() === 'Time.now.to_i' ? Math.floor(now.getTime() / 1000) : Number(reader.read(raw));
      // The reference's cut-off is a moment; Sync_Start_Date__c is a date (orders activated before its midnight).
      // A moment within a day becomes the next day: the orders activated before it (all of a test's, which sets
      // it to `Time.now` after activating them) stay before the cut-off.
      const day = 86_400;
      settings.syncStartDate = new Date(Math.ceil(seconds / day) * day * 1000).toISOString().slice(0, 10);
      return;
    }
    default:
      if (UNTRANSLATED[name]) notes.push(`${name} not translated: ${UNTRANSLATED[name]}`);
      else throw new UntranslatableConfig(`unknown connector setting ${name}`);
  }
}

/** Statements of the Ruby lines: a line, or a hash literal spanning lines up to its closing brace. */
function statements(source: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  for (const line of source.split('\n')) {
    const code = stripComment(line).trim();
    if (!code) continue;
    current = current ? `${current} ${code}` : code;
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
    if (depth <= 0) {
      out.push(current);
      current = '';
      depth = 0;
    }
  }
  return out;
}

/** Drops a `# …` comment; on a line the recording joined into one, the comment runs up to the next brace. */
function stripComment(line: string): string {
  return line.replace(/#(?!\{)[^}\n]*(?=\}|$)/g, '');
}

/** Reads one Ruby literal: hashes (`=>` or `key:`), strings, numbers, booleans, nil, known variables and helpers. */
class RubyReader {
  private text = '';
  private at = 0;

  private readonly variables: Map<string, unknown>;
  private readonly notes: string[];

  constructor(variables: Map<string, unknown>, notes: string[]) {
    this.variables = variables;
    this.notes = notes;
  }

  read(text: string): unknown {
    this.text = text;
    this.at = 0;
    const value = this.value();
    this.skip();
    if (this.at < this.text.length)
      throw new UntranslatableConfig(`cannot read Ruby value "${text}" (stopped at "${this.text.slice(this.at)}")`);
    return value;
  }

  private value(): unknown {
    this.skip();
    const rest = this.text.slice(this.at);
    if (rest.startsWith('{')) return this.hash();
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^"((?:[^"\\]|\\.)*)"|^'((?:[^'\\]|\\.)*)'/))) {
      this.at += m[0].length;
      const text = m[1] ?? m[2] ?? '';
      if (/#\{/.test(text)) throw new UntranslatableConfig(`interpolated string ${m[0]} depends on the test's run`);
      return text;
    }
    if ((m = rest.match(/^-?\d+(\.\d+)?/))) {
      this.at += m[0].length;
      return Number(m[0]);
    }
    if ((m = rest.match(/^(true|false|nil)\b/))) {
      this.at += m[0].length;
      return m[1] === 'nil' ? null : m[1] === 'true';
    }
    if ((m = rest.match(/^prefixed_stripe_field\(\s*["']([\w.]+)["']\s*\)/))) {
      this.at += m[0].length;
      return m[1]; // the scratch orgs have no namespace (recordings README)
    }
    if ((m = rest.match(/^@?\w+/))) {
      this.at += m[0].length;
      if (this.variables.has(m[0])) return this.variables.get(m[0]);
      const known = RUBY_VALUES[m[0]];
      if (known) {
        this.notes.push(`${m[0]} read as ${JSON.stringify(known.value)}: ${known.reason}`);
        return known.value;
      }
      throw new UntranslatableConfig(`the Ruby value ${m[0]} is defined outside the recorded lines`);
    }
    throw new UntranslatableConfig(`cannot read Ruby value at "${rest.slice(0, 40)}"`);
  }

  private hash(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.at += 1;
    for (;;) {
      this.skip();
      if (this.text[this.at] === '}') {
        this.at += 1;
        return out;
      }
      const symbol = this.text.slice(this.at).match(/^(\w+):(?!:)/);
      let key: unknown;
      if (symbol) {
        this.at += symbol[0].length;
        key = symbol[1];
      } else {
        key = this.value();
        this.skip();
        if (this.text.startsWith('=>', this.at)) this.at += 2;
        else if (this.text[this.at] === ':')
          this.at += 1; // "string": value
        else
          throw new UntranslatableConfig(`expected => in a Ruby hash at "${this.text.slice(this.at, this.at + 30)}"`);
      }
      out[String(key)] = this.value();
      this.skip();
      if (this.text[this.at] === ',') this.at += 1;
    }
  }

  private skip(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] ?? '')) this.at += 1;
  }
}
