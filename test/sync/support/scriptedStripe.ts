// A loopback HTTP server that answers Stripe API calls from a script, for testing the client side
// (retries, headers, idempotency keys, reference resolution) without the full emulator.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: Record<string, unknown>;
}

export interface ScriptedReply {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export type Script = (request: SeenRequest, index: number) => ScriptedReply;

export async function startScriptedStripe(
  script: Script,
): Promise<{ port: number; requests: SeenRequest[]; close(): Promise<void> }> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const seen = {
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        params: qs.parse(raw || query) as Record<string, unknown>,
      };
      requests.push(seen);
      const reply = script(seen, requests.length - 1);
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'request-id': `req_${requests.length}`,
        ...reply.headers,
      });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const stripeErrorBody = (type: string, message: string, extra: Record<string, unknown> = {}) => ({
  error: { type, message, ...extra },
});
