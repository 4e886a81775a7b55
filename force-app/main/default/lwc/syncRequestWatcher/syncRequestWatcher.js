/**
 * Follows a Stripe_Sync_Request__c until the relay ends it. The request record is the only signal the relay
 * gives, and the relay may be down, so the watcher re-reads it on a bounded schedule: every POLL_INTERVAL_MS,
 * at most MAX_POLLS times. A plain module (no DOM, no wire): the card feeds it each request it reads and
 * decides what an end means (a toast, a refresh); tests drive it with fake timers alone.
 *
 *   idle ──watch(id)──▶ waiting ──seen(ended request)──▶ ended   (onEnded(request), once)
 *                          │ └──tick: refresh(), again──┘
 *                          └──MAX_POLLS ticks without an end──▶ gave up  (onGaveUp(), once)
 */

/** How often, and how many times, a running request is re-read before the card stops waiting for it. */
export const POLL_INTERVAL_MS = 3000;
export const MAX_POLLS = 20;

// A Retrying request (a rate limit or outage) waits for its next attempt: it is not followed.
const ACTIVE_STATUSES = new Set(['Queued', 'Syncing']);

/** Whether a request with `status` is still being worked on by the relay. */
export function isActive(status) {
  return ACTIVE_STATUSES.has(status);
}

export class SyncRequestWatcher {
  /**
   * @param {object} callbacks
   * @param {() => Promise<unknown>} callbacks.refresh re-reads the request (refreshApex of the wire)
   * @param {(request: {id: string, status: string}) => void} callbacks.onEnded the watched request ended
   * @param {() => void} [callbacks.onGaveUp] MAX_POLLS passed and the request is still active
   */
  constructor({ refresh, onEnded, onGaveUp = () => {} }) {
    this.refresh = refresh;
    this.onEnded = onEnded;
    this.onGaveUp = onGaveUp;
    /** The request followed: { id, polls, done }; done once it ended or the watcher gave up. */
    this.watched = undefined;
    this.timer = undefined;
  }

  /** True while the watcher waits for a request to end. */
  get isWaiting() {
    return !!this.watched && !this.watched.done;
  }

  /** True once the watcher stopped waiting for a request that had not ended. */
  get gaveUp() {
    return !!this.watched?.gaveUp;
  }

  /** Starts following `requestId` (one just created, or an active one found); stops following any other. */
  watch(requestId) {
    this.stop();
    this.watched = { id: requestId, polls: 0, done: false, gaveUp: false };
    this.schedule();
  }

  /**
   * A request as read from the list (its latest version). Returns false when it is stale: while a request
   * just created is watched, the list may still show the previous, ended one, which is not news.
   * An active request is followed; the watched request's end is reported once.
   */
  seen(request) {
    const watched = this.watched;
    const waitingForAnother = this.isWaiting && watched.id !== request.id;
    if (waitingForAnother && !isActive(request.status)) return false;
    if (isActive(request.status)) {
      if (watched?.id !== request.id) this.watch(request.id);
    } else if (watched?.id === request.id && !watched.done) {
      watched.done = true;
      this.stop();
      this.onEnded(request);
    }
    return true;
  }

  /** Stops the timer (the card left the page, or another request is watched). */
  stop() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  schedule() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.timer = setTimeout(() => this.tick(), POLL_INTERVAL_MS);
  }

  async tick() {
    const watched = this.watched;
    watched.polls += 1;
    await this.refresh();
    if (watched.done || watched !== this.watched) return;
    if (watched.polls < MAX_POLLS) {
      this.schedule();
    } else {
      watched.done = true;
      watched.gaveUp = true;
      this.onGaveUp();
    }
  }
}
