/** docs.stripe.com/api/customers: create, retrieve (a deleted customer answers `deleted: true`), update, delete, list, search. */
import { invalidRequest } from '../errors.js';
import { attachPaymentMethod, checkAttached } from '../paymentMethods.js';
import type { Customer, StripeStore } from '../objects.js';
import { listPage, newId, searchPage } from '../store.js';
import type { ApiRequest, Route } from '../state.js';
import { applyMetadata, isRecord, type Params } from '../validation.js';
import { cancelCustomerSubscriptions } from '../billing.js';
import { timeOnClock } from '../customerState.js';
import { clockForNewCustomer } from './testClocks.js';

const PROFILE_FIELDS = [
  'name',
  'email',
  'phone',
  'description',
  'address',
  'shipping',
  'tax_exempt',
  'preferred_locales',
] as const;

function create({ state, params }: ApiRequest): Customer {
  const clockId = typeof params.test_clock === 'string' ? clockForNewCustomer(state, params.test_clock).id : null;
  const customer: Customer = {
    id: newId('cus'),
    object: 'customer',
    created: timeOnClock(state, clockId),
    livemode: false,
    name: null,
    email: null,
    phone: null,
    description: null,
    address: null,
    shipping: null,
    balance: 0,
    currency: null,
    default_source: null,
    delinquent: false,
    discount: null,
    invoice_prefix: newId('', 8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    preferred_locales: [],
    tax_exempt: 'none',
    test_clock: clockId,
    metadata: {},
  };
  return state.store.customers.insert(applyProfile(state.store, customer, params));
}

function applyProfile(store: StripeStore, customer: Customer, params: Params): Customer {
  for (const field of PROFILE_FIELDS)
    if (params[field] !== undefined) Object.assign(customer, { [field]: params[field] === '' ? null : params[field] });
  if (isRecord(customer.address)) customer.address = fullAddress(customer.address);
  if (isRecord(customer.shipping) && isRecord(customer.shipping.address))
    customer.shipping = { ...customer.shipping, address: fullAddress(customer.shipping.address) };
  customer.metadata = applyMetadata(customer.metadata, params.metadata);
  // Stripe attaches `payment_method` (create only) before it reads the default, and nothing more: invoices use it
  // only once it is also invoice_settings.default_payment_method (docs.stripe.com/api/customers/create,
  // /api/payment_methods/attach).
  if (typeof params.payment_method === 'string')
    attachPaymentMethod(store, customer.id, params.payment_method, 'payment_method');
  const invoiceSettings = params.invoice_settings as Params | undefined;
  if (typeof invoiceSettings?.default_payment_method === 'string' && invoiceSettings.default_payment_method !== '')
    checkAttached(
      store,
      customer.id,
      invoiceSettings.default_payment_method,
      'invoice_settings[default_payment_method]',
    );
  if (invoiceSettings) Object.assign(customer.invoice_settings, invoiceSettings);
  if (customer.invoice_settings.default_payment_method === '') customer.invoice_settings.default_payment_method = null;
  if (customer.shipping && !(customer.shipping as Params).name) {
    throw invalidRequest('Missing required param: shipping[name].', {
      code: 'parameter_missing',
      param: 'shipping[name]',
    });
  }
  return customer;
}

/** Stripe's Address: every line present, null when not given. */
function fullAddress(address: Params): Params {
  const { city = null, country = null, line1 = null, line2 = null, postal_code = null, state = null } = address;
  return { city, country, line1, line2, postal_code, state };
}

export const customerRoutes: Route[] = [
  { method: 'POST', path: '/v1/customers', params: 'CustomerCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/customers/search',
    params: 'CustomerSearchParams',
    handle: ({ state, params }) => searchPage(state.store.customers.all(), params, '/v1/customers/search'),
  },
  {
    method: 'GET',
    path: '/v1/customers',
    params: 'CustomerListParams',
    handle: ({ state, params }) =>
      listPage(filterByEmail(state.store.customers.all(), params), params, '/v1/customers'),
  },
  {
    method: 'GET',
    path: '/v1/customers/:id',
    params: 'CustomerRetrieveParams',
    handle: ({ state, id }) => {
      const customer = state.store.customers.get(id, 'id', true);
      return customer.deleted ? { id, object: 'customer', deleted: true } : customer;
    },
  },
  {
    method: 'POST',
    path: '/v1/customers/:id',
    params: 'CustomerUpdateParams',
    handle: ({ state, id, params }) => applyProfile(state.store, state.store.customers.get(id, 'id'), params),
  },
  {
    method: 'DELETE',
    path: '/v1/customers/:id',
    params: 'CustomerDeleteParams',
    handle: (request) => {
      const customer = request.state.store.customers.get(request.id, 'id');
      cancelCustomerSubscriptions(request, customer);
      customer.deleted = true;
      return { id: customer.id, object: 'customer', deleted: true };
    },
  },
];

function filterByEmail(customers: Customer[], params: Params): Customer[] {
  return typeof params.email === 'string' ? customers.filter((c) => c.email === params.email) : customers;
}
