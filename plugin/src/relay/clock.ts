/**
 * The relay's one clock. Every part asks it the time — retry times, request claims, when a reconciliation
 * or a retry is due — so a test that moves the clock moves the whole relay. Waiting itself is real time:
 * the scheduler turns "due at" into a timer of `dueAt - now()`.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock reading `now` (tests pass a movable one), else the wall clock. */
export function clockFrom(now: (() => Date) | undefined): Clock {
  return now ? { now } : systemClock;
}
