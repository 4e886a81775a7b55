/** docs.stripe.com/api/webhook_endpoints: the signing `secret` is returned on create only. */
import type { WebhookEndpoint } from '../objects.js';
import { listPage, newId } from '../store.js';
import type { ApiRequest, Route } from '../state.js';
import { applyMetadata, type Params } from '../validation.js';
import { parameterInvalid } from '../errors.js';

function checkUrl(url: unknown): string {
  const text = String(url);
  if (!/^https?:\/\//.test(text))
    throw parameterInvalid('url', `Invalid URL: ${text}. URLs must begin with http:// or https://.`, 'url_invalid');
  return text;
}

function publicView(endpoint: WebhookEndpoint): Omit<WebhookEndpoint, 'secret'> {
  const { secret: _secret, ...rest } = endpoint;
  return rest;
}

function create({ state, params }: ApiRequest): WebhookEndpoint {
  const endpoint = state.store.webhookEndpoints.insert({
    id: newId('we', 24),
    object: 'webhook_endpoint',
    created: state.clock.now(),
    livemode: false,
    url: checkUrl(params.url),
    enabled_events: params.enabled_events as string[],
    description: (params.description as string | undefined) ?? null,
    api_version: (params.api_version as string | undefined) ?? null,
    application: null,
    status: 'enabled',
    secret: `whsec_${newId('', 32)}`,
    metadata: applyMetadata({}, params.metadata),
  });
  return { ...endpoint };
}

function update({ state, id, params }: ApiRequest): Omit<WebhookEndpoint, 'secret'> {
  const endpoint = state.store.webhookEndpoints.get(id, 'id');
  if (params.url !== undefined) endpoint.url = checkUrl(params.url);
  if (params.enabled_events !== undefined) endpoint.enabled_events = params.enabled_events as string[];
  if (params.disabled !== undefined) endpoint.status = params.disabled ? 'disabled' : 'enabled';
  if (params.description !== undefined)
    endpoint.description = (params as Params).description === '' ? null : params.description;
  endpoint.metadata = applyMetadata(endpoint.metadata ?? {}, params.metadata);
  return publicView(endpoint);
}

export const webhookEndpointRoutes: Route[] = [
  { method: 'POST', path: '/v1/webhook_endpoints', params: 'WebhookEndpointCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/webhook_endpoints',
    params: 'WebhookEndpointListParams',
    handle: ({ state, params }) =>
      listPage(
        state.store.webhookEndpoints.all().map(publicView) as WebhookEndpoint[],
        params,
        '/v1/webhook_endpoints',
      ),
  },
  {
    method: 'GET',
    path: '/v1/webhook_endpoints/:id',
    params: 'WebhookEndpointRetrieveParams',
    handle: ({ state, id }) => publicView(state.store.webhookEndpoints.get(id, 'id')),
  },
  { method: 'POST', path: '/v1/webhook_endpoints/:id', params: 'WebhookEndpointUpdateParams', handle: update },
  {
    method: 'DELETE',
    path: '/v1/webhook_endpoints/:id',
    params: 'WebhookEndpointDeleteParams',
    handle: ({ state, id }) => {
      state.store.webhookEndpoints.get(id, 'id').deleted = true;
      return { id, object: 'webhook_endpoint', deleted: true };
    },
  },
];
