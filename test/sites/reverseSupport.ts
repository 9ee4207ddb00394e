/** What the reverse tests share: sites with their own certificates, a move to west, and its calls. */
import { expect } from "vitest";
import type { PluginError } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { EAST, inputs, site as siteOf, WEST } from "./support";

export const site = (rh: Rehearsal, host: string, id: string, certificateThumbprint?: string) => ({
  ...siteOf(rh, host, id),
  ...(certificateThumbprint ? { certificateThumbprint } : {}),
});

/** Creates the resource on east, then runs up with activeSite west; the error when it fails. */
export async function moveWest(rh: Rehearsal, westCert?: string, eastCert?: string) {
  const sites = { east: site(rh, "east", EAST, eastCert), west: site(rh, "west", WEST, westCert) };
  const created = await rh.plugin.create((await rh.plugin.check({}, inputs(rh, "east", { sites }))).inputs);
  const checked = await rh.plugin.check({}, inputs(rh, "west", { sites }));
  expect(checked.failures).toEqual([]);
  return rh.plugin.update(created.id, created.outs, checked.inputs).then(
    (result) => ({ id: created.id, outs: result.outs, error: undefined }),
    (error: unknown) => ({ id: created.id, outs: undefined, error: error as PluginError }),
  );
}

export { PLANNED_MOVE as PLANNED } from "./support";

/** Polls `done` until it holds, for at most 10 s. */
export async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
