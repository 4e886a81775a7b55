import { afterEach, describe, expect, it } from '@jest/globals';
import type { StripeOperation } from '../../plugin/src/core/plan/plan.js';
import { ref, refField } from '../../plugin/src/core/plan/plan.js';
import { createStripeGateway } from '../../plugin/src/stripe/client.js';
import { applyPlan } from '../../plugin/src/stripe/planApplier.js';
import { startScriptedStripe, stripeErrorBody, type Script } from './support/scriptedStripe.js';

const order = { type: 'Order', id: '801000000000001AAA' };
const account = { type: 'Account', id: '001000000000001AAA' };
let server: Awaited<ReturnType<typeof startScriptedStripe>> | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function gatewayFor(script: Script, maxRetries = 3) {
  server = await startScriptedStripe(script);
  const retries: (number | undefined)[] = [];
  const gateway = createStripeGateway({
    apiKey: 'sk_test_123',
    host: '127.0.0.1',
    port: server.port,
    protocol: 'http',
    retry: { maxRetries, baseDelayMs: 1, maxDelayMs: 4 },
    observer: { onRetry: (_name, status) => retries.push(status) },
  });
  return { gateway, retries, requests: server.requests };
}

const customerRef = ref('customer', account.id);
const invoiceRef = ref('invoice', order.id);
const operations: StripeOperation[] = [
  {
    op: 'customers.create',
    ref: customerRef,
    idempotencyKey: 'sfcpq:org:acc:v1:customers.create',
    source: account,
    params: { name: 'Acme' },
  },
  {
    op: 'invoices.create',
    ref: invoiceRef,
    idempotencyKey: 'sfcpq:org:ord:v1:invoices.create',
    source: order,
    params: { customer: customerRef, metadata: { url: refField(customerRef, 'name') } },
  },
  {
    op: 'invoices.finalizeInvoice',
    ref: invoiceRef,
    idempotencyKey: 'sfcpq:org:ord:v1:invoices.finalize',
    source: order,
    id: invoiceRef,
    params: {},
  },
];

const happyScript: Script = (request) => {
  if (request.path === '/v1/customers') return { body: { id: 'cus_1', object: 'customer', name: request.params.name } };
  if (request.path === '/v1/invoices') return { body: { id: 'in_1', object: 'invoice', status: 'draft' } };
  if (request.path === '/v1/invoices/in_1/finalize')
    return { body: { id: 'in_1', object: 'invoice', status: 'open', hosted_invoice_url: 'https://pay/in_1' } };
  return { status: 404, body: stripeErrorBody('invalid_request_error', 'no route') };
};

describe('applyPlan', () => {
  it('sends each operation with its idempotency key and the pinned API version, resolving references as objects are created', async () => {
    const { gateway, requests } = await gatewayFor(happyScript);
    const outcome = await applyPlan({ operations }, gateway);
    expect(outcome.failure).toBeUndefined();
    expect(requests.map((r) => [r.method, r.path, r.headers['idempotency-key']])).toEqual([
      ['POST', '/v1/customers', 'sfcpq:org:acc:v1:customers.create'],
      ['POST', '/v1/invoices', 'sfcpq:org:ord:v1:invoices.create'],
      ['POST', '/v1/invoices/in_1/finalize', 'sfcpq:org:ord:v1:invoices.finalize'],
    ]);
    expect(requests[1]!.params).toEqual({ customer: 'cus_1', metadata: { url: 'Acme' } });
    expect(requests.every((r) => r.headers['stripe-version'] === '2026-10-28.endive')).toBe(true);
    expect(outcome.references.lookup(refField(invoiceRef, 'hosted_invoice_url'))).toBe('https://pay/in_1');
    expect(outcome.applied.map((a) => a.id)).toEqual(['cus_1', 'in_1', 'in_1']);
  });

  it('retries 429, 409 and 5xx with the same idempotency key', async () => {
    const failures = [
      { status: 429, body: stripeErrorBody('invalid_request_error', 'Too many requests', { code: 'rate_limit' }) },
      { status: 409, body: stripeErrorBody('invalid_request_error', 'Lock timeout', { code: 'lock_timeout' }) },
      { status: 500, body: stripeErrorBody('api_error', 'Something went wrong') },
    ];
    const { gateway, requests, retries } = await gatewayFor(
      (request, index) => failures[index] ?? happyScript(request, index),
    );
    const outcome = await applyPlan({ operations: operations.slice(0, 1) }, gateway);
    expect(outcome.failure).toBeUndefined();
    expect(retries).toEqual([429, 409, 500]);
    expect(new Set(requests.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set(['sfcpq:org:acc:v1:customers.create']),
    );
  });

  it('obeys Stripe-Should-Retry: false on a 500 and true on a 400', async () => {
    const noRetry = await gatewayFor(() => ({
      status: 500,
      body: stripeErrorBody('api_error', 'Do not retry'),
      headers: { 'stripe-should-retry': 'false' },
    }));
    const first = await applyPlan({ operations: operations.slice(0, 1) }, noRetry.gateway);
    expect(noRetry.requests).toHaveLength(1);
    expect(first.failure?.retryable).toBe(false);
    await server?.close();

    const retry = await gatewayFor((request, index) =>
      index === 0
        ? {
            status: 400,
            body: stripeErrorBody('invalid_request_error', 'Try again'),
            headers: { 'stripe-should-retry': 'true' },
          }
        : happyScript(request, index),
    );
    const second = await applyPlan({ operations: operations.slice(0, 1) }, retry.gateway);
    expect(retry.requests).toHaveLength(2);
    expect(second.failure).toBeUndefined();
  });

  it('gives up after the retry budget and reports a retryable Stripe error with request id and doc_url', async () => {
    const { gateway, requests } = await gatewayFor(
      () => ({
        status: 429,
        body: stripeErrorBody('invalid_request_error', 'Request rate limit exceeded.', {
          code: 'rate_limit',
          doc_url: 'https://docs.stripe.com/error-codes/rate-limit',
        }),
      }),
      2,
    );
    const outcome = await applyPlan({ operations: operations.slice(0, 1) }, gateway);
    expect(requests).toHaveLength(3);
    expect(outcome.failure).toMatchObject({
      kind: 'stripe',
      retryable: true,
      requestId: 'req_3',
      docUrl: 'https://docs.stripe.com/error-codes/rate-limit',
      record: account,
    });
    expect(outcome.failure?.resolutionMessage).toBe('Stripe Error: Request rate limit exceeded.');
  });

  it('stops at an invalid request, keeping what was created before it and naming the failing record and parameter', async () => {
    const { gateway, requests } = await gatewayFor((request, index) =>
      request.path === '/v1/invoices'
        ? {
            status: 400,
            body: stripeErrorBody('invalid_request_error', 'No such customer', {
              param: 'customer',
              code: 'resource_missing',
            }),
          }
        : happyScript(request, index),
    );
    const outcome = await applyPlan({ operations }, gateway);
    expect(requests).toHaveLength(2);
    expect(outcome.applied).toEqual([{ op: 'customers.create', ref: customerRef, id: 'cus_1' }]);
    expect(outcome.failure).toMatchObject({
      kind: 'stripe',
      retryable: false,
      record: order,
      field: 'customer',
      requestId: 'req_2',
    });
    expect(outcome.failure?.message).toBe('No such customer (parameter: customer)');
  });
});
