/** `hyperv-replica-sim init-pair` and a per-host outage, run as a separate process on a state file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HyperVSimulator } from "../../provider/simulator";
import { collectionRef } from "../simulator/fixtures";
import { cli, requireBuild } from "./run";

const EAST = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const WEST = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
let dir: string;
let file: string;

beforeAll(() => {
  requireBuild();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-cli-pair-"));
  file = path.join(dir, "sites", "pair.json");
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("hyperv-replica-sim init-pair", () => {
  it("seeds a primary on one host and its replica on the other", async () => {
    const result = cli([
      "init-pair",
      file,
      "--name",
      "sql-cluster",
      "--vm",
      "sql-a",
      "--vm",
      "sql-b",
      "--primary",
      `east:${EAST}`,
      "--replica",
      `west:${WEST}`,
    ]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    const collections = await new HyperVSimulator({ stateFile: file }).collections();
    expect(
      collections.map((c) => [
        c.id,
        c.name,
        c.replicationMode,
        c.replicationState,
        c.members.map((m) => `${m.name}=${m.enabledState}`),
      ]),
    ).toEqual([
      [EAST, "sql-cluster", 1, 3, ["sql-a=2", "sql-b=2"]],
      [WEST, "sql-cluster", 2, 3, ["sql-a=3", "sql-b=3"]],
    ]);
  });

  it("needs --name and refuses an existing file without --force", () => {
    expect(cli(["init-pair", path.join(dir, "other.json")])).toMatchObject({ status: 2 });
    expect(cli(["init-pair", file, "--name", "x"]).stderr).toContain("exists already; pass --force");
  });

  it("show puts each collection's site first, since a pair's names repeat", () => {
    const lines = cli(["show", file]).stdout.split("\n");
    expect(lines[0]?.split(/ {2,}/).slice(0, 3)).toEqual(["SITE", "COLLECTION", "ID"]);
    expect(lines.slice(1, 3).map((l) => l.split(/ {2,}/).slice(0, 3))).toEqual([
      ["east", "sql-cluster", EAST],
      ["west", "sql-cluster", WEST],
    ]);
  });

  it("fault --host refuses a host that is neither site, and stores nothing", async () => {
    const result = cli(["fault", file, "unreachable", "--host", "esat"]);
    expect(result).toMatchObject({ status: 2 });
    expect(result.stderr).toContain(
      "--host 'esat' is not a site of this state file; its sites are east and west",
    );
    const east = new HyperVSimulator({ stateFile: file, hostName: "east" }).session();
    expect((await east.get(collectionRef(EAST)))?.properties.CollectionID).toBe(EAST);
  });

  it("fault unreachable --host cuts off one host only", async () => {
    expect(cli(["fault", file, "unreachable", "--host", "east", "--times", "always"])).toMatchObject({
      status: 0,
    });
    const east = new HyperVSimulator({ stateFile: file, hostName: "east" }).session();
    const west = new HyperVSimulator({ stateFile: file, hostName: "west" }).session();
    await expect(east.get(collectionRef(EAST))).rejects.toThrow("did not answer");
    expect((await west.get(collectionRef(WEST)))?.properties.CollectionID).toBe(WEST);
  });
});
