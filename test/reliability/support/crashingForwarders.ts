// The network between a sync process and the services, able to kill the process at a chosen request.
// Loopback forwarders stand in front of the Salesforce and Stripe emulators; every request the process
// sends through them is one step. At the crash step the forwarders call `kill` (a SIGKILL of the child)
// either before the request reaches the service, or after the service handled it but before the answer
// goes back (a lost response). The forwarders outlive the process, so its successor reaches the services
// at the same addresses (the instance URL in Stripe metadata links stays the same). Traffic still in the
// pipe from a killed process is dropped, as if the kill had come a moment earlier.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type CrashMoment = 'before' | 'after';

export interface CrashPoint {
  readonly step: number;
  readonly moment: CrashMoment;
}

export interface StepLog {
  readonly service: 'salesforce' | 'stripe';
  readonly method: string;
  readonly path: string;
  /** False for a read: a GET, or a Salesforce composite call of GETs only (queries in one round trip). */
  readonly writes: boolean;
}

function writes(service: StepLog['service'], method: string, path: string, body: string): boolean {
  if (service === 'stripe' || method === 'GET') return method !== 'GET';
  if (!/\/composite$/.test(path)) return true;
  const { compositeRequest } = JSON.parse(body) as { compositeRequest: { method: string }[] };
  return compositeRequest.some((part) => part.method !== 'GET');
}

export interface ProcessTraffic {
  /** Every request the process sent, in order (the step numbers, 1-based). */
  readonly steps: StepLog[];
  /** Resolves when the crash point is reached and `kill` has run. */
  readonly crashed: Promise<void>;
}

export interface CrashingForwarders {
  readonly salesforceUrl: string;
  readonly stripeUrl: string;
  /**
   * Traffic from connections opened after this call belongs to a new process. At `crash` (if given)
   * `kill` runs and nothing more of that process reaches a service or comes back.
   */
  newProcess(crash?: { readonly at: CrashPoint; readonly kill: () => void }): ProcessTraffic;
  close(): Promise<void>;
}

interface Generation {
  readonly steps: StepLog[];
  dead: boolean;
  reachedCrash(step: number, moment: CrashMoment): boolean;
}

export async function startCrashingForwarders(salesforcePort: number, stripePort: number): Promise<CrashingForwarders> {
  let current: Generation = { steps: [], dead: false, reachedCrash: () => false };
  const generationOf = new WeakMap<Socket, Generation>();

  const forward = (service: StepLog['service'], port: number) => (req: IncomingMessage, res: ServerResponse) => {
    const sender = generationOf.get(req.socket)!;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (sender.dead) return void res.destroy();
      const method = req.method ?? 'GET';
      const path = req.url ?? '';
      sender.steps.push({
        service,
        method,
        path,
        writes: writes(service, method, path, Buffer.concat(chunks).toString()),
      });
      const step = sender.steps.length;
      if (sender.reachedCrash(step, 'before')) return void res.destroy();
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port,
          // A fresh connection per request: a pooled one the service closed while idle would fail the
          // request here, in the test's network, as no crash point asked (Node's agent reuses idle sockets).
          agent: false,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `127.0.0.1:${port}` },
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (sender.reachedCrash(step, 'after') || sender.dead) return void res.destroy();
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  };

  const listen = async (service: StepLog['service'], port: number): Promise<Server> => {
    const server = createServer(forward(service, port));
    server.on('connection', (socket) => generationOf.set(socket, current));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  };
  const servers = [await listen('salesforce', salesforcePort), await listen('stripe', stripePort)] as const;
  const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    salesforceUrl: url(servers[0]),
    stripeUrl: url(servers[1]),
    newProcess(crash) {
      current.dead = true;
      let crashed!: () => void;
      const traffic: ProcessTraffic = { steps: [], crashed: new Promise<void>((resolve) => (crashed = resolve)) };
      const generation: Generation = {
        steps: traffic.steps,
        dead: false,
        reachedCrash(step, moment) {
          if (crash?.at.step !== step || crash.at.moment !== moment) return false;
          crash.kill();
          generation.dead = true;
          crashed();
          return true;
        },
      };
      current = generation;
      return traffic;
    },
    async close() {
      current.dead = true;
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
