/** docs.stripe.com/api/billing/meter: the meters metered prices must reference (since 2025-03-31.basil). */
import { invalidRequest } from '../errors.js';
import type { Meter } from '../objects.js';
import { listPage, newId } from '../store.js';
import type { ApiRequest, Route } from '../state.js';

function create({ state, params }: ApiRequest): Meter {
  const eventName = String(params.event_name);
  if (state.store.meters.all().some((m) => m.status === 'active' && m.event_name === eventName)) {
    throw invalidRequest(`An active meter with event_name \`${eventName}\` already exists.`, {
      code: 'resource_already_exists',
      param: 'event_name',
    });
  }
  const now = state.clock.now();
  return state.store.meters.insert({
    id: newId('mtr', 24),
    object: 'billing.meter',
    created: now,
    updated: now,
    livemode: false,
    display_name: params.display_name,
    event_name: eventName,
    event_time_window: params.event_time_window ?? null,
    status: 'active',
    status_transitions: { deactivated_at: null },
    customer_mapping: params.customer_mapping ?? { event_payload_key: 'stripe_customer_id', type: 'by_id' },
    default_aggregation: params.default_aggregation,
    value_settings: params.value_settings ?? { event_payload_key: 'value' },
  });
}

export const meterRoutes: Route[] = [
  { method: 'POST', path: '/v1/billing/meters', params: 'Billing.MeterCreateParams', handle: create },
  {
    method: 'GET',
    path: '/v1/billing/meters',
    params: 'Billing.MeterListParams',
    handle: ({ state, params }) =>
      listPage(
        state.store.meters.all().filter((m) => params.status === undefined || m.status === params.status),
        params,
        '/v1/billing/meters',
      ),
  },
  {
    method: 'GET',
    path: '/v1/billing/meters/:id',
    params: 'Billing.MeterRetrieveParams',
    handle: ({ state, id }) => state.store.meters.get(id, 'id'),
  },
];
