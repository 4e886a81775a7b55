// The request-polling state machine alone: no component, no DOM; fake timers and plain callbacks.
import { isActive, MAX_POLLS, POLL_INTERVAL_MS, SyncRequestWatcher } from 'c/syncRequestWatcher';

const request = (id, status, message = null) => ({ id, status, message });

function watcher() {
  const refresh = jest.fn(() => Promise.resolve());
  const onEnded = jest.fn();
  const onGaveUp = jest.fn();
  return { watcher: new SyncRequestWatcher({ refresh, onEnded, onGaveUp }), refresh, onEnded, onGaveUp };
}

describe('SyncRequestWatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('takes Queued and Syncing as active, and Synced, Failed, Retrying as not', () => {
    expect(['Queued', 'Syncing', 'Synced', 'Failed', 'Retrying', 'Previewed'].map(isActive)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('re-reads the watched request once per interval, not before', async () => {
    const { watcher: w, refresh } = watcher();
    w.watch('r1');
    await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS - 1);
    expect(refresh).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(w.isWaiting).toBe(true);
  });

  it('reports the end of the watched request once, and stops re-reading it', async () => {
    const { watcher: w, refresh, onEnded } = watcher();
    w.watch('r1');
    await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    expect(w.seen(request('r1', 'Syncing'))).toBe(true);
    expect(onEnded).not.toHaveBeenCalled();

    expect(w.seen(request('r1', 'Synced', 'Synced 1 order'))).toBe(true);
    w.seen(request('r1', 'Synced', 'Synced 1 order'));
    expect(onEnded.mock.calls).toEqual([[request('r1', 'Synced', 'Synced 1 order')]]);
    expect(w.isWaiting).toBe(false);
    const calls = refresh.mock.calls.length;
    await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5);
    expect(refresh).toHaveBeenCalledTimes(calls);
  });

  it('calls a previous, ended request stale while a new one is awaited, and takes an active one as news', () => {
    const { watcher: w, onEnded } = watcher();
    w.watch('r2');
    expect(w.seen(request('r1', 'Synced'))).toBe(false);
    expect(onEnded).not.toHaveBeenCalled();
    expect(w.seen(request('r2', 'Queued'))).toBe(true);
    expect(w.isWaiting).toBe(true);
  });

  it('follows an active request it was not watching (queued before the page opened)', async () => {
    const { watcher: w, refresh, onEnded } = watcher();
    expect(w.seen(request('r0', 'Queued'))).toBe(true);
    expect(w.isWaiting).toBe(true);
    await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    expect(refresh).toHaveBeenCalledTimes(1);
    w.seen(request('r0', 'Failed', 'Data Error'));
    expect(onEnded).toHaveBeenCalledWith(request('r0', 'Failed', 'Data Error'));
  });

  it('reports nothing for an ended request it never watched', () => {
    const { watcher: w, onEnded } = watcher();
    expect(w.seen(request('r0', 'Synced'))).toBe(true);
    expect(onEnded).not.toHaveBeenCalled();
    expect(w.isWaiting).toBe(false);
  });

  it(`gives up after ${MAX_POLLS} re-reads of a request that never ends, once`, async () => {
    const { watcher: w, refresh, onGaveUp, onEnded } = watcher();
    w.watch('r1');
    await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * (MAX_POLLS + 10));
    expect(refresh).toHaveBeenCalledTimes(MAX_POLLS);
    expect(onGaveUp).toHaveBeenCalledTimes(1);
    expect([w.isWaiting, w.gaveUp]).toEqual([false, true]);
    // Still queued when read later: not an end, and not followed again by itself.
    w.seen(request('r1', 'Queued'));
    expect(onEnded).not.toHaveBeenCalled();
  });

  it('stops when told (the card left the page)', async () => {
    const { watcher: w, refresh } = watcher();
    w.watch('r1');
    w.stop();
    await jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);
    expect(refresh).not.toHaveBeenCalled();
  });

  it('watching another request forgets the first: its end is not reported', async () => {
    const { watcher: w, onEnded } = watcher();
    w.watch('r1');
    w.watch('r2');
    w.seen(request('r2', 'Synced'));
    expect(onEnded.mock.calls).toEqual([[request('r2', 'Synced')]]);
  });
});
