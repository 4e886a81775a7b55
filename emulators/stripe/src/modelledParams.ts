/**
 * The parameters the emulator models, per params type: every one of them is reflected in the object it returns
 * (or in a later read), filters the list it answers, or has the effect Stripe documents. A parameter the
 * catalogue knows but this table does not is refused (`parameter_unsupported`) rather than silently dropped, so a
 * test never passes on a value Stripe would have honoured and the emulator ignored.
 *
 * Entries are catalogue paths (`phases[].items[].price`); a path covers everything below it. `path=value` admits
 * only those values (`proration_behavior=none`: the emulator never prorates, so only "no prorations" is honoured).
 * `test/emulators/stripe/paramReflection.test.ts` checks each entry against the answers, and each other catalogue
 * path for its refusal.
 */
import type { ParamsTypeName } from 'plugin-stripe-cpq/lib/stripe/params/index.js';

const PAGE = ['limit', 'starting_after', 'ending_before'];
const SEARCH = ['query', 'limit', 'page'];

const ADDRESS = ['address'];
const CUSTOMER_PROFILE = [
  'description',
  'email',
  'metadata',
  'name',
  'phone',
  'preferred_locales',
  'shipping',
  'tax_exempt',
  ...ADDRESS,
];
const CUSTOMER_INVOICE_SETTINGS = [
  'invoice_settings.custom_fields',
  'invoice_settings.default_payment_method',
  'invoice_settings.footer',
];

const PRODUCT_FIELDS = [
  'active',
  'description',
  'images',
  'metadata',
  'name',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'unit_label',
  'url',
];

function under(prefix: string, paths: readonly string[]): string[] {
  return paths.map((p) => `${prefix}.${p}`);
}

/** A phase (create and update take the same). */
const PHASE = [
  ...under('add_invoice_items[]', ['discounts', 'metadata', 'period', 'price', 'price_data', 'quantity']),
  'billing_cycle_anchor',
  'collection_method',
  'description',
  'discounts',
  'duration',
  'end_date',
  'invoice_settings.days_until_due',
  ...under('items[]', ['discounts', 'metadata', 'plan', 'price', 'price_data', 'quantity']),
  'metadata',
  'proration_behavior',
  'trial_end',
];
const SCHEDULE_SETTINGS = [
  'default_settings.collection_method',
  'default_settings.description',
  'default_settings.invoice_settings.days_until_due',
];

const SUBSCRIPTION_ITEMS = under('items[]', ['discounts', 'metadata', 'plan', 'price', 'price_data', 'quantity']);
const SUBSCRIPTION_ADD_INVOICE_ITEMS = under('add_invoice_items[]', [
  'discounts',
  'metadata',
  'price',
  'price_data',
  'quantity',
]);
const SUBSCRIPTION_FIELDS = [
  'cancel_at',
  'cancel_at_period_end',
  'collection_method',
  'days_until_due',
  'default_payment_method',
  'description',
  'discounts',
  'metadata',
];

const INVOICE_TEXTS = [
  'auto_advance',
  'default_payment_method',
  'description',
  'footer',
  'metadata',
  'statement_descriptor',
];

export const MODELLED_PARAMS: Record<string, readonly string[]> = {
  'Billing.MeterCreateParams': [
    'customer_mapping',
    'default_aggregation',
    'display_name',
    'event_name',
    'event_time_window',
    'value_settings',
  ],
  'Billing.MeterListParams': [...PAGE, 'status'],
  'Billing.MeterRetrieveParams': [],

  CouponCreateParams: [
    'amount_off',
    'applies_to',
    'currency',
    'duration',
    'duration_in_months',
    'id',
    'max_redemptions',
    'metadata',
    'name',
    'percent_off',
    'redeem_by',
  ],
  CouponListParams: PAGE,
  CouponRetrieveParams: [],
  CouponUpdateParams: ['metadata', 'name'],

  CustomerCreateParams: [...CUSTOMER_PROFILE, ...CUSTOMER_INVOICE_SETTINGS, 'payment_method', 'test_clock'],
  CustomerListParams: [...PAGE, 'email'],
  CustomerRetrieveParams: [],
  CustomerSearchParams: SEARCH,
  CustomerUpdateParams: [...CUSTOMER_PROFILE, ...CUSTOMER_INVOICE_SETTINGS],

  EventListParams: [...PAGE, 'type', 'types'],
  EventRetrieveParams: [],

  InvoiceCreateParams: [
    ...INVOICE_TEXTS,
    'collection_method',
    'currency',
    'customer',
    'days_until_due',
    'discounts',
    'pending_invoice_items_behavior',
    'subscription',
  ],
  InvoiceFinalizeInvoiceParams: ['auto_advance'],
  InvoiceListParams: [...PAGE, 'customer', 'status', 'subscription'],
  InvoiceSearchParams: SEARCH,
  InvoiceListLineItemsParams: [...PAGE, 'expand[]=data.discounts'],
  InvoicePayParams: ['paid_out_of_band', 'payment_method'],
  InvoiceRetrieveParams: ['expand[]=discounts', 'expand[]=lines.data.discounts'],
  InvoiceUpdateParams: INVOICE_TEXTS,
  InvoiceVoidInvoiceParams: [],

  InvoiceItemCreateParams: [
    'amount',
    'currency',
    'customer',
    'description',
    'discountable',
    'discounts',
    'invoice',
    'metadata',
    'period',
    'price_data',
    'pricing',
    'quantity',
    'subscription',
    'unit_amount_decimal',
  ],
  InvoiceItemListParams: [...PAGE, 'customer', 'invoice', 'pending'],
  InvoiceItemRetrieveParams: [],

  PriceCreateParams: [
    'active',
    'billing_scheme',
    'currency',
    'expand[]=tiers',
    'lookup_key',
    'metadata',
    'nickname',
    'product',
    'product_data',
    'recurring',
    'tax_behavior',
    'tiers',
    'tiers_mode',
    'transfer_lookup_key',
    'transform_quantity',
    'unit_amount',
    'unit_amount_decimal',
  ],
  PriceListParams: [...PAGE, 'active', 'currency', 'expand[]=data.tiers', 'lookup_keys', 'product', 'type'],
  PriceRetrieveParams: ['expand[]=tiers', 'expand[]=product'],
  PriceSearchParams: [...SEARCH, 'expand[]=data.tiers'],
  PriceUpdateParams: [
    'active',
    'expand[]=tiers',
    'lookup_key',
    'metadata',
    'nickname',
    'tax_behavior',
    'transfer_lookup_key',
  ],

  ProductCreateParams: [...PRODUCT_FIELDS, 'id'],
  ProductListParams: [...PAGE, 'active'],
  ProductRetrieveParams: [],
  ProductSearchParams: SEARCH,
  ProductUpdateParams: PRODUCT_FIELDS,

  SubscriptionCreateParams: [
    ...SUBSCRIPTION_FIELDS,
    ...SUBSCRIPTION_ITEMS,
    ...SUBSCRIPTION_ADD_INVOICE_ITEMS,
    'backdate_start_date',
    'billing_cycle_anchor',
    'customer',
    'proration_behavior=none',
  ],
  SubscriptionUpdateParams: [
    ...SUBSCRIPTION_FIELDS,
    ...SUBSCRIPTION_ITEMS,
    'items[].id',
    'items[].deleted',
    'proration_behavior=none',
  ],
  SubscriptionCancelParams: ['invoice_now=false', 'prorate=false'],
  SubscriptionListParams: [...PAGE, 'customer', 'status'],
  SubscriptionSearchParams: SEARCH,
  SubscriptionRetrieveParams: ['expand[]=discounts', 'expand[]=items.data.discounts'],

  SubscriptionScheduleCreateParams: [
    ...SCHEDULE_SETTINGS,
    'customer',
    'end_behavior',
    'from_subscription',
    'metadata',
    ...under('phases[]', PHASE),
    'start_date',
  ],
  SubscriptionScheduleUpdateParams: [
    ...SCHEDULE_SETTINGS,
    'end_behavior',
    'metadata',
    ...under('phases[]', [...PHASE, 'start_date']),
    'proration_behavior=none',
  ],
  SubscriptionScheduleCancelParams: ['invoice_now', 'prorate=false'],
  SubscriptionScheduleReleaseParams: [],
  SubscriptionScheduleListParams: [...PAGE, 'customer'],
  SubscriptionScheduleRetrieveParams: [],

  'TestHelpers.TestClockAdvanceParams': ['frozen_time'],
  'TestHelpers.TestClockCreateParams': ['frozen_time', 'name'],
  'TestHelpers.TestClockListParams': PAGE,
  'TestHelpers.TestClockRetrieveParams': [],

  WebhookEndpointCreateParams: ['api_version', 'description', 'enabled_events', 'metadata', 'url'],
  WebhookEndpointListParams: PAGE,
  WebhookEndpointRetrieveParams: [],
  WebhookEndpointUpdateParams: ['description', 'disabled', 'enabled_events', 'metadata', 'url'],
} satisfies Partial<Record<ParamsTypeName, readonly string[]>>;

export interface ModelledParams {
  /** Whether a catalogue path, or something below it, is modelled. */
  reaches(path: string): boolean;
  /** Whether a catalogue path is modelled whole (it or a path above it is listed). */
  covers(path: string): boolean;
  /** The values a path admits when only some are modelled (`proration_behavior=none`). */
  valuesOf(path: string): readonly string[] | undefined;
}

const cache = new Map<string, ModelledParams>();

/** What the emulator models of one params type (a type the table does not list models nothing). */
export function modelledParams(type: ParamsTypeName): ModelledParams {
  let modelled = cache.get(type);
  if (!modelled) {
    const entries = MODELLED_PARAMS[type] ?? [];
    const paths = entries.map((e) => e.split('=')[0] ?? e);
    const values = new Map<string, string[]>();
    for (const entry of entries) {
      const [path, value] = entry.split('=');
      if (path !== undefined && value !== undefined) values.set(path, [...(values.get(path) ?? []), value]);
    }
    modelled = {
      reaches: (path) =>
        paths.some(
          (p) =>
            p === path ||
            p.startsWith(`${path}.`) ||
            p.startsWith(`${path}[]`) ||
            path.startsWith(`${p}.`) ||
            path.startsWith(`${p}[]`),
        ),
      covers: (path) => paths.some((p) => p === path || path.startsWith(`${p}.`) || path.startsWith(`${p}[]`)),
      valuesOf: (path) => values.get(path),
    };
    cache.set(type, modelled);
  }
  return modelled;
}
