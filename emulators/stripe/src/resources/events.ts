/** docs.stripe.com/api/events: every event the emulator emitted, newest first, filterable by `type` (`invoice.*` too). */
import { listPage } from '../store.js';
import type { Route } from '../state.js';

function typeMatches(pattern: unknown, type: string): boolean {
  if (typeof pattern !== 'string') return true;
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/events',
    params: 'EventListParams',
    handle: ({ state, params }) => {
      const types = params.types as string[] | undefined;
      const events = state.store.events
        .all()
        .filter((e) => typeMatches(params.type, e.type) && (!types || types.includes(e.type)));
      return listPage(events, params, '/v1/events');
    },
  },
  {
    method: 'GET',
    path: '/v1/events/:id',
    params: 'EventRetrieveParams',
    handle: ({ state, id }) => state.store.events.get(id, 'id'),
  },
];
