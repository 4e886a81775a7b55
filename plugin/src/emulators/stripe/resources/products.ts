/** docs.stripe.com/api/products: create (optional custom id), retrieve, update, delete, list, search. */
import { invalidRequest } from '../errors.js';
import type { Product } from '../objects.js';
import { listPage, newId, searchPage } from '../store.js';
import type { ApiRequest, Route } from '../state.js';
import { applyMetadata, type Params } from '../validation.js';

const EDITABLE = ['name', 'active', 'description', 'images', 'shippable', 'statement_descriptor', 'tax_code', 'unit_label', 'url'] as const;

function create({ state, params }: ApiRequest): Product {
  const id = typeof params.id === 'string' ? params.id : newId('prod');
  if (state.store.products.has(id)) {
    throw invalidRequest(`Product already exists.`, { code: 'resource_already_exists', param: 'id' });
  }
  const now = state.clock.now();
  const product: Product = {
    id,
    object: 'product',
    created: now,
    updated: now,
    livemode: false,
    name: '',
    active: true,
    description: null,
    default_price: null,
    images: [],
    marketing_features: [],
    package_dimensions: null,
    shippable: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    url: null,
    metadata: {},
  };
  return state.store.products.insert(update(product, params, now));
}

function update(product: Product, params: Params, now: number): Product {
  for (const field of EDITABLE) if (params[field] !== undefined) Object.assign(product, { [field]: params[field] === '' ? null : params[field] });
  product.metadata = applyMetadata(product.metadata, params.metadata);
  product.updated = now;
  return product;
}

export const productRoutes: Route[] = [
  { method: 'POST', path: '/v1/products', params: 'ProductCreateParams', handle: create },
  { method: 'GET', path: '/v1/products/search', params: 'ProductSearchParams', handle: ({ state, params }) => searchPage(state.store.products.all(), params, '/v1/products/search') },
  {
    method: 'GET',
    path: '/v1/products',
    params: 'ProductListParams',
    handle: ({ state, params }) => listPage(state.store.products.all().filter((p) => params.active === undefined || p.active === params.active), params, '/v1/products'),
  },
  { method: 'GET', path: '/v1/products/:id', params: 'ProductRetrieveParams', handle: ({ state, id }) => state.store.products.get(id, 'id') },
  { method: 'POST', path: '/v1/products/:id', params: 'ProductUpdateParams', handle: ({ state, id, params }) => update(state.store.products.get(id, 'id'), params, state.clock.now()) },
  {
    method: 'DELETE',
    path: '/v1/products/:id',
    params: 'ProductDeleteParams',
    handle: ({ state, id }) => {
      const product = state.store.products.get(id, 'id');
      if (state.store.prices.all().some((p) => p.product === id)) {
        throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.', { param: 'id' });
      }
      product.deleted = true;
      return { id, object: 'product', deleted: true };
    },
  },
];
