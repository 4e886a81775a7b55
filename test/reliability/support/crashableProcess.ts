// A sync "process" that dies at a chosen step. Its Salesforce and Stripe traffic goes through loopback
// forwarders in front of the emulators; each request either side is one step. At step N the process
// dies either before the request reaches the service or after the service handled it but before the
// answer arrives (a lost response). From then on nothing it sends reaches either service and nothing
// comes back: its engine, clients, lease and in-memory state are abandoned exactly as a SIGKILL would
// abandon them. (An in-process kill: the engine runs in the test process, but no byte of its later I/O
// ever reaches a service, which is all a kill changes for the outside world.)
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CrashMoment = 'before' | 'after';

export interface CrashPoint {
  readonly step: number;
  readonly moment: CrashMoment;
}

export interface StepLog {
  readonly service: 'salesforce' | 'stripe';
  readonly method: string;
  readonly path: string;
}

export interface CrashableProcess {
  readonly salesforceUrl: string;
  readonly stripePort: number;
  /** Every request the process sent, in order (the step numbers, 1-based). */
  readonly steps: StepLog[];
  /** Resolves when the process dies (never, without a crash point or when it finishes first). */
  readonly died: Promise<void>;
  readonly dead: boolean;
  close(): Promise<void>;
}

interface Target {
  readonly service: StepLog['service'];
  readonly port: number;
}

/**
 * `crash` absent: a process that never dies. `listenOn`: the forwarders' own ports — a restarted process
 * takes over its predecessor's, so the instance URL the engine puts in Stripe metadata links stays the same.
 */
export async function startCrashableProcess(salesforcePort: number, stripePort: number, crash?: CrashPoint, listenOn?: { salesforce: number; stripe: number }): Promise<CrashableProcess> {
  const steps: StepLog[] = [];
  let dead = false;
  let die!: () => void;
  const died = new Promise<void>((resolve) => (die = resolve));
  const kill = () => {
    dead = true;
    die();
  };

  const forward = (target: Target) => (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (dead) return; // a dead process sends nothing: the request is left hanging and never forwarded
      steps.push({ service: target.service, method: req.method ?? 'GET', path: req.url ?? '' });
      const step = steps.length;
      if (crash?.step === step && crash.moment === 'before') return kill();
      const upstream = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${target.port}` } }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          if (crash?.step === step && crash.moment === 'after') return kill();
          if (dead) return;
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  };

  const listen = async (target: Target, port = 0): Promise<Server> => {
    const server = createServer(forward(target));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return server;
  };
  const salesforce = await listen({ service: 'salesforce', port: salesforcePort }, listenOn?.salesforce);
  const stripe = await listen({ service: 'stripe', port: stripePort }, listenOn?.stripe);
  const portOf = (server: Server) => (server.address() as AddressInfo).port;
  const shut = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    salesforceUrl: `http://127.0.0.1:${portOf(salesforce)}`,
    stripePort: portOf(stripe),
    steps,
    died,
    get dead() {
      return dead;
    },
    close: async () => {
      dead = true;
      await Promise.all([shut(salesforce), shut(stripe)]);
    },
  };
}
