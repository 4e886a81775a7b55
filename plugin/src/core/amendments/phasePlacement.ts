/** Where an amendment's phase goes on the schedule, and which phases stay (spec §2.6.3). */
import type { PlanningContext } from '../plan/context.js';
import { SyncError, type RecordRef } from '../errors.js';
import { flagMetadata, type Metadata } from '../mappings/metadata.js';
import { type InvoiceItemParams, type PlannedPhase, type ScheduleState } from './scheduleState.js';

/**
 * The schedule's phases with the new phase in place (spec §2.6.3): phases from its start on make way
 * (one with the same start hands it its one-time items: "identical range"), the one before ends where
 * it starts, phases that already ended are left out, and the current phase's one-time items are cleared
 * so Stripe does not bill them again. Without a new phase (a future termination) the schedule just ends.
 *
 * A phase starting `now` when the current phase itself started now (an amendment stacked on one Stripe
 * started this second, as on a test clock) takes the current phase's place, from its start: the phase
 * before it has ended, and ending the current one now would leave it no length (recording
 * amendments.test_amendments__syncs_stacked_amendments_-_both_backdated_and_start_on_same_day).
 */
export function placePhase(
  ctx: PlanningContext,
  state: ScheduleState,
  phase: PlannedPhase | undefined,
  start: number | 'now',
  source: RecordRef,
): PlannedPhase[] {
  const boundary = start === 'now' ? ctx.sync.now : start;
  const kept: PlannedPhase[] = state.phases.filter((p) => p.start_date < boundary).map((p) => ({ ...p }));
  const replaced = state.phases.filter((p) => p.start_date >= boundary);
  const carried: InvoiceItemParams[] = [];
  for (const old of replaced) {
    if (old.start_date === start) carried.push(...(old.add_invoice_items ?? []));
    else if (isBackendProration(ctx, old.metadata)) {
      throw new SyncError("The backend prorated order amendment case isn't supported.", {
        kind: 'data',
        record: source,
        fix: 'The initial order was backend-prorated and this amendment does not start where its proration phase does; contact support.',
      });
    }
  }
  const previous = kept[kept.length - 1];
  if (previous && !hasEnded(ctx, previous)) previous.end_date = start;
  const live = livePhases(ctx, kept, state);
  if (!phase) return live;
  const running = state.currentPhase;
  const replacesRunning = start === 'now' && live.length === 0 && running !== null && running.start_date >= boundary;
  return [
    ...live,
    {
      ...phase,
      ...(replacesRunning ? { start_date: running.start_date } : {}),
      add_invoice_items: [...(phase.add_invoice_items ?? []), ...carried],
    },
  ];
}

const hasEnded = (ctx: PlanningContext, phase: PlannedPhase): boolean =>
  phase.end_date !== 'now' && phase.end_date <= ctx.sync.now;

/** Phases that have not ended, the current one without its one-time items (Stripe would bill them again). */
export function livePhases(ctx: PlanningContext, phases: PlannedPhase[], state: ScheduleState): PlannedPhase[] {
  const live = phases.filter((p) => p.end_date === 'now' || p.end_date > ctx.sync.now);
  for (const p of live) if (p.start_date === state.currentPhase?.start_date) p.add_invoice_items = [];
  return live;
}

export function isBackendProration(ctx: PlanningContext, metadata: PlannedPhase['metadata']): boolean {
  const key = Object.keys(flagMetadata(ctx.sync, 'backend_proration'))[0]!;
  return typeof metadata === 'object' && metadata !== null && (metadata as Metadata)[key] === 'true';
}
