import type { Clock } from "../clock";
import type { InvokeContext } from "./methods/invoke";
import { settle, settleDue } from "./methods/jobs";
import { guestsDue, settleGuests } from "./methods/shutdownComponent";
import type { SimState } from "./store/state";
import type { StateStore } from "./store/store";
import { untracked } from "./store/tracking";

/** A store plus what every transaction needs: the time, settled jobs, and the host's fixed settings. */
export class Cluster {
  constructor(
    readonly store: StateStore,
    readonly clock: Clock,
    readonly hostName: string,
    readonly timeBeforeRemovalMs: number,
  ) {}

  /** Runs `change` on the state as it stands now: jobs whose time is up have finished first. */
  transact<T>(change: (state: SimState, ctx: InvokeContext) => T): Promise<T> {
    return this.store.transact((state) => {
      const now = this.clock.now();
      // Every transaction asks; few have anything to settle. Asking reads the plain state, at the speed it always had.
      const plain = untracked(state);
      if (settleDue(plain, now)) settle(state, now);
      if (guestsDue(plain, now)) settleGuests(state, now);
      return change(state, { now, hostName: this.hostName, timeBeforeRemovalMs: this.timeBeforeRemovalMs });
    });
  }
}
