/** A resource that check accepts gets its connections ready; one it refuses starts nothing. */
import { describe, expect, it, vi } from "vitest";
import type { CimSession } from "../../provider/cim";
import { createRuntime } from "../../provider/doors/dynamic";
import { WARM_AFTER_MS } from "../../provider/runtime/context";
import { HyperVSimulator } from "../../provider/simulator";
import { inputs } from "../failover/fixtures";

function setup() {
  const sim = new HyperVSimulator();
  const opened: string[] = [];
  const warmed: string[] = [];
  const rt = createRuntime({
    log: () => undefined,
    openSession: async (connection) => {
      opened.push(connection.host ?? "(local)");
      const session: CimSession = Object.assign(sim.session(), {
        warm: () => void warmed.push(connection.host ?? "(local)"),
      });
      return session;
    },
  });
  rt.configure(() => undefined);
  return { sim, rt, opened, warmed };
}

describe("check gets a resource's connections ready", () => {
  it("warms the connection of inputs it accepts, and calls nothing on the host", async () => {
    const { sim, rt, opened, warmed } = setup();
    const news = { ...inputs("normal"), connection: { transport: "wsman", host: "hv-replica01" } };
    const result = await rt.resources.CollectionFailover.check({}, news);
    expect(result.failures ?? []).toEqual([]);
    // The answer goes out first: opening a session loads modules, which would hold it up.
    expect(opened).toEqual([]);
    await vi.waitFor(() => expect(warmed).toEqual(["hv-replica01"]));
    expect(await sim.calls()).toEqual([]);
  });

  it("warms each site of a ReplicatedCollection", async () => {
    const { rt, warmed } = setup();
    const site = (id: string, host: string) => ({
      collectionId: id,
      connection: { transport: "wsman", host },
    });
    const news = {
      sites: {
        east: site("6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", "hv-east01"),
        west: site("0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a", "hv-west01"),
      },
      activeSite: "east",
    };
    const result = await rt.resources.ReplicatedCollection.check({}, news);
    expect(result.failures ?? []).toEqual([]);
    await vi.waitFor(() => expect([...warmed].sort()).toEqual(["hv-east01", "hv-west01"]));
  });

  it("starts nothing for inputs it refuses", async () => {
    const { rt, opened, warmed } = setup();
    const news = {
      ...inputs("normal"),
      failoverState: "sideways",
      connection: { transport: "wsman", host: "h" },
    };
    const result = await rt.resources.CollectionFailover.check({}, news);
    expect(result.failures?.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 3 * WARM_AFTER_MS));
    expect([opened, warmed]).toEqual([[], []]);
  });
});
