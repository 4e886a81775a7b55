/** docs.stripe.com/api/products: create (optional custom id), retrieve, update, delete, list, search. */
import { invalidRequest } from '../errors.js';
import type { Product } from '../objects.js';
import { listPage, newId, searchPage } from '../store.js';
import type { EmulatorState, Route } from '../state.js';
import { applyMetadata, type Params } from '../validation.js';

const EDITABLE = [
  'name',
  'active',
  'description',
  'images',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'unit_label',
  'url',
] as const;

/** A new product from create params, or from a price's inline `product_data` (then `param` names it in errors). */
export function createProduct(state: EmulatorState, params: Params, param = 'id'): Product {
  const id = typeof params.id === 'string' ? params.id : newId('prod');
  if (state.store.products.has(id)) {
    throw invalidRequest(`Product already exists.`, { code: 'resource_already_exists', param });
  }
  const now = state.clock.now();
  const product: Product = {
    id,
    object: 'product',
    active: true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: '',
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
  return state.store.products.insert(update(product, params, now));
}

function update(product: Product, params: Params, now: number): Product {
  for (const field of EDITABLE)
    if (params[field] !== undefined) Object.assign(product, { [field]: params[field] === '' ? null : params[field] });
  product.metadata = applyMetadata(product.metadata, params.metadata);
  const taxDetails = params.tax_details as Params | undefined;
  if (taxDetails !== undefined) {
    product.tax_details = {
      performance_location: (taxDetails.performance_location as string | undefined) ?? null,
      tax_code: (taxDetails.tax_code as string | undefined) ?? null,
    };
  }
  product.updated = now;
  return product;
}

export const productRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/products',
    params: 'ProductCreateParams',
    handle: ({ state, params }) => createProduct(state, params),
  },
  {
    method: 'GET',
    path: '/v1/products/search',
    params: 'ProductSearchParams',
    handle: ({ state, params }) => searchPage(state.store.products.all(), params, '/v1/products/search'),
  },
  {
    method: 'GET',
    path: '/v1/products',
    params: 'ProductListParams',
    handle: ({ state, params }) =>
      listPage(
        state.store.products.all().filter((p) => params.active === undefined || p.active === params.active),
        params,
        '/v1/products',
      ),
  },
  {
    method: 'GET',
    path: '/v1/products/:id',
    params: 'ProductRetrieveParams',
    handle: ({ state, id }) => state.store.products.get(id, 'id'),
  },
  {
    method: 'POST',
    path: '/v1/products/:id',
    params: 'ProductUpdateParams',
    handle: ({ state, id, params }) => update(state.store.products.get(id, 'id'), params, state.clock.now()),
  },
  {
    method: 'DELETE',
    path: '/v1/products/:id',
    params: 'ProductDeleteParams',
    handle: ({ state, id }) => {
      const product = state.store.products.get(id, 'id');
      if (state.store.prices.all().some((p) => p.product === id)) {
        throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.', {
          param: 'id',
        });
      }
      product.deleted = true;
      return { id, object: 'product', deleted: true };
    },
  },
];
