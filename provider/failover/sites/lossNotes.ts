/**
 * What a two-site run notes about data loss: each acknowledged loss printed once, and how long the VMs it turned off
 * had run, which a later step's data-loss line needs.
 */
import { VmRequestedState } from "../../hyperv";
import type { DataLossEvent } from "../dataLoss";
import { acknowledgedLine } from "../dataLoss";
import type { ReconcileDeps } from "../request";
import { withMeasuredRuns } from "./observe";
import type { PairObservation } from "./types";

export class LossNotes {
  private readonly noted = new Set<string>();
  /** How long each VM this run turned off had run just before (see observe). */
  private readonly measured = new Map<string, number | null>();

  constructor(
    private readonly name: string,
    private readonly deps: Pick<ReconcileDeps, "clock" | "log">,
  ) {}

  /** What both sites show, with the run times measured before this run turned VMs off. */
  observe(seen: PairObservation): PairObservation {
    return withMeasuredRuns(seen, this.measured);
  }

  /** Prints each acknowledged loss once, before the step that causes it is taken. */
  noteLosses(losses: readonly DataLossEvent[]): void {
    for (const loss of losses) {
      if (this.noted.has(loss.token)) continue;
      this.noted.add(loss.token);
      this.deps.log(`[${this.name}] ${acknowledgedLine(loss)}`, "warning");
    }
  }

  /**
   * Before its VMs are turned off, how long each running VM of a site had run: a later step's data-loss line says
   * what the run discarded, and the host's own figures are gone once the VMs are off.
   */
  measureRunTimes(
    members: readonly {
      id: string;
      enabledState: number;
      onTimeMs?: number | null;
      timeOfLastStateChange: number | null;
    }[],
  ): void {
    for (const vm of members.filter((m) => m.enabledState === VmRequestedState.Running)) {
      const since = vm.timeOfLastStateChange;
      this.measured.set(vm.id, vm.onTimeMs ?? (since === null ? null : this.deps.clock.now() - since));
    }
  }
}
