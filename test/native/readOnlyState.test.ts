/**
 * A simulator state file that cannot be written: the call is refused before it reaches the simulated host, so a
 * create fails outright, with no partial failure for the engine to record a resource from, and the file is left as
 * it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import type { RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins } from "./fixtures";

const f = useNativePlugins();

describe("a read-only simulator state file", () => {
  it.each([
    ["CollectionFailover", TYPE, { collectionId: SQL, failoverState: "failedOver" }],
    ["CollectionTestFailover", tokenOf("CollectionTestFailover"), { collectionId: SQL }],
  ])("%s: a create that reached no host fails outright, naming the file", async (name, type, inputs) => {
    const file = `read-only-${name}.json`;
    const stateFile = path.join(f.dir, file);
    const sim = await f.simulator(file, [{ id: SQL, name: "sql-cluster" }], 50);
    const plugin = await f.pluginFor(file);
    fs.chmodSync(stateFile, 0o444);
    const before = fs.readFileSync(stateFile, "utf8");

    const error = (await plugin.create(urnOf(type, "sql"), inputs).catch((e: RpcError) => e)) as RpcError;

    expect(error.partial).toBeUndefined();
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot run the CIM call here: simulator state file ${stateFile.replace(/[.\\]/g, "\\$&")} is read-only, so it is left unchanged; make it writable \\(chmod u\\+w\\) to let the simulator record changes `,
      ),
    );
    expect(fs.readFileSync(stateFile, "utf8")).toBe(before);
    expect(await sim.calls()).toEqual([]);
  });
});
