/** Events the emulator emits, each tagged with the API request that caused it (webhooks.ts delivers them). */
import type { EmulatorState } from './state.js';
import type { StoredObject } from './store.js';

/** Emits an event, tagged with the API request that caused it (if any). */
export function emit(state: EmulatorState, type: string, object: StoredObject, at: number): void {
  state.webhooks.emit(type, object, at, state.currentRequest);
}
