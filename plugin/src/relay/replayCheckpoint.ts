/**
 * Where the relay resumes its change event stream: the replay id of the last event whose work is done
 * (every earlier event's too). Events finish out of order (a worker pool), so the checkpoint moves only
 * over a done prefix of what arrived, in replay id order; an event received but not processed when the
 * relay dies is delivered again after the restart. A keepalive with nothing in flight moves it to the
 * stream's latest replay id, so an idle relay's checkpoint stays inside the 72-hour retention. Kept in a file of the relay's state directory, written atomically
 * (temp file + rename): a Salesforce record would spend an API call per event batch, and a lost file only
 * costs a subscription from the tip plus the reconciliation query run at every start.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class ReplayCheckpoint {
  private readonly arrived: Array<{ replayId: number; done: boolean }> = [];

  constructor(
    private last: number | undefined,
    private readonly file: string | undefined,
  ) {}

  /** The checkpoint saved in `file`, or a fresh one when there is none. */
  static load(file: string | undefined): ReplayCheckpoint {
    if (!file) return new ReplayCheckpoint(undefined, undefined);
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { replayId?: unknown };
      return new ReplayCheckpoint(typeof saved.replayId === 'number' ? saved.replayId : undefined, file);
    } catch {
      return new ReplayCheckpoint(undefined, file);
    }
  }

  /** The replay id to resume after, if any. */
  get replayId(): number | undefined {
    return this.last;
  }

  /** Events received whose work is not done. */
  get inFlight(): number {
    return this.arrived.filter((a) => !a.done).length;
  }

  received(replayId: number): { done(): void } {
    const entry = { replayId, done: false };
    // The client may hand over a batch's events out of order while it fetches a schema: keep them sorted.
    const at = this.arrived.findIndex((a) => a.replayId > replayId);
    this.arrived.splice(at === -1 ? this.arrived.length : at, 0, entry);
    return {
      done: () => {
        entry.done = true;
        this.advance();
      },
    };
  }

  /** A keepalive's latest replay id: safe to resume after when nothing is in flight. */
  idleAt(replayId: number): void {
    if (this.arrived.length === 0 && replayId !== this.last) this.save(replayId);
  }

  /** Forgets the position (a replay id the service no longer keeps): resume from the tip. */
  reset(): void {
    this.arrived.length = 0;
    this.save(undefined);
  }

  private advance(): void {
    let moved: number | undefined;
    while (this.arrived[0]?.done) moved = this.arrived.shift()!.replayId;
    if (moved !== undefined && (this.last === undefined || moved > this.last)) this.save(moved);
  }

  private save(replayId: number | undefined): void {
    this.last = replayId;
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(
      `${this.file}.tmp`,
      JSON.stringify({ replayId: replayId ?? null, savedAt: new Date().toISOString() }),
    );
    renameSync(`${this.file}.tmp`, this.file);
  }
}
