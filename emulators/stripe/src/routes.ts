/** The API surface: every resource's routes, matched by method and path (`/v1/prices/:id`). */
import type { Route } from './state.js';
import { couponRoutes } from './resources/coupons.js';
import { customerRoutes } from './resources/customers.js';
import { eventRoutes } from './resources/events.js';
import { invoiceItemRoutes } from './resources/invoiceItems.js';
import { invoiceRoutes } from './resources/invoices.js';
import { meterRoutes } from './resources/meters.js';
import { priceRoutes } from './resources/prices.js';
import { productRoutes } from './resources/products.js';
import { subscriptionScheduleRoutes } from './resources/subscriptionSchedules.js';
import { subscriptionRoutes } from './resources/subscriptions.js';
import { testClockRoutes } from './resources/testClocks.js';
import { webhookEndpointRoutes } from './resources/webhookEndpoints.js';

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
}

const ROUTES: readonly CompiledRoute[] = [
  ...customerRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...couponRoutes,
  ...meterRoutes,
  ...subscriptionScheduleRoutes,
  ...subscriptionRoutes,
  ...invoiceItemRoutes,
  ...invoiceRoutes,
  ...testClockRoutes,
  ...webhookEndpointRoutes,
  ...eventRoutes,
].map((route) => ({ route, pattern: new RegExp(`^${route.path.replace(':id', '([^/]+)')}$`) }));

export function matchRoute(method: string, path: string): { route: Route; id: string } | undefined {
  for (const { route, pattern } of ROUTES) {
    if (route.method !== method) continue;
    const match = pattern.exec(path);
    if (match) return { route, id: decodeURIComponent(match[1] ?? '') };
  }
  return undefined;
}

/** Method and path of every route, for documentation and tests. */
export function routeList(): string[] {
  return ROUTES.map(({ route }) => `${route.method} ${route.path}`);
}

/** Method, path and params type of every route, for tests that walk the catalogue route by route. */
export function routeTable(): readonly Pick<Route, 'method' | 'path' | 'params'>[] {
  return ROUTES.map(({ route }) => ({
    method: route.method,
    path: route.path,
    ...(route.params ? { params: route.params } : {}),
  }));
}
