/**
 * The relay's scheduler: named tasks due after a delay or at a time of the relay's clock — the next
 * reconciliation, a Retrying request's next attempt, a reconnect. One task per name: scheduling a name
 * again replaces it. A failing task is logged, never thrown into the event loop. `stop()` cancels all.
 */
import type { Clock } from './clock.js';

export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (name: string, error: unknown) => void,
  ) {}

  /** Runs `task` in `ms` milliseconds. */
  after(name: string, ms: number, task: () => unknown): void {
    if (this.stopped) return;
    this.cancel(name);
    const timer = setTimeout(
      () => {
        this.timers.delete(name);
        Promise.resolve()
          .then(task)
          .catch((error: unknown) => this.onError(name, error));
      },
      Math.max(0, ms),
    );
    this.timers.set(name, timer);
  }

  /** Runs `task` when the relay's clock reaches `at`. */
  at(name: string, at: Date, task: () => unknown): void {
    this.after(name, at.getTime() - this.clock.now().getTime(), task);
  }

  has(name: string): boolean {
    return this.timers.has(name);
  }

  cancel(name: string): void {
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
