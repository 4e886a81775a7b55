/**
 * A bounded pool of sync jobs: at most `concurrency` run at once, one job per key (an Order) at a time —
 * a key enqueued while queued is merged, while running runs once more after. `drain()` stops taking
 * new work and waits for what is running (graceful shutdown). Cross-process exclusion is the sync locks'
 * (salesforce/syncLock.ts); this only keeps one process from racing itself.
 */

export type Job = () => Promise<void>;

export class WorkerPool {
  private readonly queue: string[] = [];
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    private readonly onError: (key: string, error: unknown) => void = () => undefined,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error(`Worker concurrency must be a whole number ≥ 1, got ${concurrency}.`);
  }

  get size(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.running.size };
  }

  /** Adds a job for `key`; returns false after `drain()` started. */
  enqueue(key: string, job: Job): boolean {
    if (this.closed) return false;
    if (this.running.has(key)) {
      this.again.add(key);
      this.jobs.set(key, job);
      return true;
    }
    if (!this.jobs.has(key)) this.queue.push(key);
    this.jobs.set(key, job);
    this.pump();
    return true;
  }

  /** Stops accepting jobs, drops queued ones, and resolves when running jobs are done. */
  async drain(): Promise<void> {
    this.closed = true;
    for (const key of this.queue.splice(0)) this.jobs.delete(key);
    this.again.clear();
    if (this.running.size === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Resolves when nothing is queued or running. */
  async settled(): Promise<void> {
    if (this.running.size === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      const key = this.queue.shift()!;
      const job = this.jobs.get(key);
      this.jobs.delete(key);
      if (job) void this.run(key, job);
    }
    if (this.running.size === 0 && this.queue.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private async run(key: string, job: Job): Promise<void> {
    this.running.add(key);
    try {
      await job();
    } catch (error) {
      this.onError(key, error);
    } finally {
      this.running.delete(key);
      if (this.again.delete(key) && !this.closed) this.queue.push(key);
      this.pump();
    }
  }
}
