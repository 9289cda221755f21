import { draftReducer, type DraftAction, type DraftState } from './draft';

/**
 * The draft outside React's render cycle, so a save that finishes, or a submit waiting on
 * one, always reads what the user sees now rather than what a closure saw. Components read
 * it with useSyncExternalStore.
 */
export class DraftStore {
  private state: DraftState;
  private readonly listeners = new Set<() => void>();

  constructor(initial: DraftState) {
    this.state = initial;
  }

  getSnapshot = (): DraftState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  dispatch(action: DraftAction): void {
    const next = draftReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
