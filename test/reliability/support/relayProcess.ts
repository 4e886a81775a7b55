// The shipped relay (plugin/lib/relay/main.js, its container entry point) as child processes, configured by
// environment like a deployment, their stdout and stderr kept for inspection. Loading the relay's modules is
// most of a start, so the starter keeps spare processes loaded ahead of need (warmRelay.ts): a test that
// starts hundreds of relays pays their loading on the other core, while it works.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WARM_RELAY = fileURLToPath(new URL('./warmRelay.ts', import.meta.url));

export interface RelayProcess {
  /** Everything the process wrote to stdout and stderr (its log lines and any crash report). */
  readonly output: string[];
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | NodeJS.Signals>;
  kill(signal: NodeJS.Signals): void;
}

interface Spare {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly ready: Promise<void>;
  readonly exited: Promise<number | NodeJS.Signals>;
}

function spawnSpare(): Spare {
  // Only what the relay is given: nothing of the test runner's environment leaks in.
  const child = fork(WARM_RELAY, [], {
    execPath: process.execPath,
    execArgv: [],
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('close', (code, signal) => resolve(signal ?? code ?? -1)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    void exited.then((code) =>
      reject(
        new Error(
          `The relay process exited (${code}) while loading; is plugin/lib built (npm run build)?\n${output.join('')}`,
        ),
      ),
    );
  });
  ready.catch(() => undefined); // reported by start()
  return { child, output, ready, exited };
}

export interface RelayStarter {
  /** A relay process running main.js with `env` as its whole environment (plus PATH). */
  start(env: Readonly<Record<string, string>>): Promise<RelayProcess>;
  /** Ends the spares never started. */
  close(): Promise<void>;
}

export function relayStarter(spares = 2): RelayStarter {
  const waiting = Array.from({ length: spares }, spawnSpare);
  return {
    async start(env) {
      const spare = waiting.shift()!;
      waiting.push(spawnSpare());
      await spare.ready;
      spare.child.send(env);
      return { output: spare.output, exited: spare.exited, kill: (signal) => void spare.child.kill(signal) };
    },
    async close() {
      const left = waiting.splice(0);
      for (const spare of left) spare.child.kill('SIGKILL');
      await Promise.all(left.map((spare) => spare.exited));
    },
  };
}
