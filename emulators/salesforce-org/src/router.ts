/**
 * Request routing shared by the HTTP server and composite sub-requests: a table of method + path
 * pattern → handler. Handlers are synchronous (the store is in memory), so a composite request can
 * run its sub-requests inside one store transaction.
 */
import { SalesforceApiError } from 'plugin-stripe-cpq/lib/cpqSchema/errors.js';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  /** Capture groups of the route's pattern, URI-decoded. */
  readonly params: string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface ApiResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (request: ApiRequest) => ApiResponse;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: RegExp, handle: Route['handle']): this {
    this.routes.push({ method, pattern, handle });
    return this;
  }

  /** Runs the matching route; Salesforce errors become their status and `[{ message, errorCode, fields }]` body. */
  dispatch(method: string, url: string, body: unknown, headers: ApiRequest['headers']): ApiResponse {
    const parsed = new URL(url, 'http://emulator.invalid');
    const path = parsed.pathname.replace(/\/+$/, '') || '/';
    try {
      let methodMismatch = false;
      for (const route of this.routes) {
        const match = route.pattern.exec(path);
        if (!match) continue;
        if (route.method !== method) {
          methodMismatch = true;
          continue;
        }
        const params = match.slice(1).map((p) => decodeURIComponent(p ?? ''));
        return route.handle({ method, path, params, query: parsed.searchParams, body, headers });
      }
      if (methodMismatch)
        throw new SalesforceApiError(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,DELETE,HEAD`,
        );
      throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    } catch (error) {
      if (error instanceof SalesforceApiError) return { status: error.status, body: error.toBody() };
      return {
        status: 500,
        body: [
          {
            message: `An unexpected error occurred: ${(error as Error).message}`,
            errorCode: 'UNKNOWN_EXCEPTION',
            fields: [],
          },
        ],
      };
    }
  }
}
