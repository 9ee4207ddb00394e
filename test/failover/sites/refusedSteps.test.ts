/**
 * A step the host answered 32773 (Invalid parameter): its arguments were built from a read made after the one it was
 * planned from, so another run's call may have made them wrong. Planned again when the sites have moved on; the
 * error stands when they show what the plan was made from.
 */
import { describe, expect, it } from "vitest";
import { systemClock } from "../../../provider/clock";
import { RefusedSteps } from "../../../provider/failover/sites/refusedSteps";
import type { SiteStep, SitesPlan } from "../../../provider/failover/sites/types";
import { HyperVReturnCodeError } from "../../../provider/hyperv";

const step = (site: string, action: SiteStep["action"]): SiteStep =>
  ({ site, action, evidence: { inferred: "test" } }) as unknown as SiteStep;
const REVERSE = step("west", "ReverseReplicationRelationship");
const refused = () =>
  new HyperVReturnCodeError(32773, {
    collection: "east+west",
    host: "west",
    method: "ReverseReplicationRelationship",
  });

function handling(plan: SitesPlan) {
  const lines: string[] = [];
  let reads = 0;
  const steps = new RefusedSteps({
    deps: { clock: systemClock, busyRetries: { attempts: 4, initialDelayMs: 2000, maxDelayMs: 30000 } },
    timeoutSeconds: 60,
    log: (site, line) => lines.push(`[${site}] ${line}`),
    readBoth: async () => {
      reads++;
      return {};
    },
    plan: () => plan,
  });
  return { steps, lines, reads: () => reads };
}

describe("RefusedSteps: 32773", () => {
  it("the sites have moved on (the reverse is no longer the next step): planned again, nothing thrown", async () => {
    const h = handling({ kind: "steps", steps: [step("west", "StartVMs")] } as unknown as SitesPlan);
    await expect(h.steps.whenRefused(REVERSE, refused())).resolves.toBeUndefined();
    expect(h.reads()).toBe(1);
    expect(h.lines).toEqual([
      "[west] ReverseReplicationRelationship returned 32773 (Invalid parameter) and the sites have moved on; planning again",
    ]);
  });

  it("the sites have moved on to nothing left to do: planned again", async () => {
    const h = handling({ kind: "none" });
    await expect(h.steps.whenRefused(REVERSE, refused())).resolves.toBeUndefined();
  });

  it("the sites show what the step was planned from: the parameter is wrong, and the error stands", async () => {
    const error = refused();
    const h = handling({ kind: "steps", steps: [REVERSE] } as unknown as SitesPlan);
    await expect(h.steps.whenRefused(REVERSE, error)).rejects.toBe(error);
    expect(h.lines).toEqual([]);
  });
});
