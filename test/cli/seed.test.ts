/** The seeding commands of `hyperv-replica-sim`, run as a separate process on a state file this test also opens. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HyperVSimulator } from "../../provider/simulator";
import { collectionRef, SERVICE } from "../simulator/fixtures";
import { cli, requireBuild } from "./run";

let dir: string;
let file: string;

beforeAll(() => {
  requireBuild();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-cli-seed-"));
  file = path.join(dir, "cluster.json");
  expect(cli(["init", file, "--collection", "sql:sql-a,sql-b", "--recovery-points", "1"]).status).toBe(0);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const sim = () => new HyperVSimulator({ stateFile: file });

describe("hyperv-replica-sim seeding", () => {
  it("add-point adds a recovery point with its time and consistency and lists the points newest first", async () => {
    const result = cli([
      "add-point",
      file,
      "sql",
      "--time",
      "2030-05-01T10:00:00Z",
      "--consistency",
      "application",
    ]);
    expect(result.status).toBe(0);
    const points = await sim().recoveryPoints((await sim().collection("sql"))!.id);
    expect(points.map((p) => [p.creationTime, p.consistencyLevel, p.recoveryPointIds.length])).toEqual([
      [points[0]!.creationTime, 2, 2],
      ["20300501100000.000000+000", 1, 2],
    ]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^RECOVERY POINT\s+CREATED\s+CONSISTENCY$/);
    expect(lines[1]).toContain(`${points[1]!.instanceId}  2030-05-01T10:00:00.000Z  Application (1)`);
    expect(lines).toHaveLength(3);
  });

  it("health seeds the issues, health and counters GetReplicationStatistics returns", async () => {
    const result = cli([
      "health",
      file,
      "sql",
      "--issue",
      "sql-a missed 3 replication cycles",
      "--issue",
      "The group is critical",
      "--vm-health",
      "sql-a=Critical",
      "--stat",
      "ReplicationSize=2048",
    ]);
    expect(result.status).toBe(0);
    const [sql] = await sim().collections();
    const answer = await sim()
      .session()
      .invoke(SERVICE, "GetReplicationStatistics", { Collection: collectionRef(sql!.id) });
    expect(answer.outParameters["ReplicationHealthIssues"]).toEqual([
      "sql-a missed 3 replication cycles",
      "The group is critical",
    ]);
    expect(answer.outParameters["ReplicationStatistics"]).toContain(
      '<PROPERTY NAME="ReplicationSize" TYPE="uint64"><VALUE>2048</VALUE></PROPERTY>',
    );
    expect(answer.outParameters["ReplicationStatistics"]).toContain(
      '<PROPERTY NAME="ReplicationHealth" TYPE="uint32"><VALUE>3</VALUE></PROPERTY>',
    );
    expect(sql!.members.map((m) => [m.name, m.replicationHealth])).toEqual([
      ["sql-a", 3],
      ["sql-b", 1],
    ]);
  });

  it("add-vms and vm-state add member VMs and change their EnabledState", async () => {
    expect(cli(["add-vms", file, "sql", "sql-c"]).status).toBe(0);
    const result = cli(["vm-state", file, "sql", "sql-c", "running"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^sql-c\s+[0-9A-F-]{36}\s+Running \(2\)\s+Ok \(1\)$/m);
    expect((await sim().collection("sql"))!.members.map((m) => [m.name, m.enabledState])).toEqual([
      ["sql-a", 3],
      ["sql-b", 3],
      ["sql-c", 2],
    ]);
  });

  it("vm-guest takes a VM's shutdown component away, so root/virtualization/v2 lists none for it", async () => {
    const result = cli(["vm-guest", file, "sql", "sql-a", "noComponent"]);
    expect(result).toMatchObject({ status: 0, stdout: "VM 'sql-a' of sql: guest noComponent\n", stderr: "" });
    const [a, b] = (await sim().collection("sql"))!.members;
    const components = (id: string) =>
      sim()
        .session()
        .query("Msvm_ShutdownComponent", { SystemName: id }, { namespace: "root/virtualization/v2" });
    expect(await components(a!.id)).toEqual([]);
    expect((await components(b!.id)).map((c) => c.properties.SystemName)).toEqual([b!.id]);
  });

  it.each([
    [
      ["vm-guest", "FILE", "sql", "sql-a", "sometimes"],
      2,
      "the guest must be one of shutsDown, neverShutsDown, noComponent, got 'sometimes'",
    ],
    [["add-point", "FILE", "sql", "--time", "yesterday"], 2, "--time must be an ISO 8601 time"],
    [
      ["add-point", "FILE", "sql", "--consistency", "great"],
      2,
      "'great' is not a valid ConsistencyLevel; use one of Unknown (0)",
    ],
    [
      ["health", "FILE", "sql", "--stat", "ReplicationSize"],
      2,
      "--stat 'ReplicationSize' must be name=value",
    ],
    [["health", "FILE", "sql", "--stat", "Bogus=1"], 1, "Bogus is not a counter"],
    [["vm-state", "FILE", "sql", "nope", "Off"], 1, 'collection "sql" has no member VM "nope"'],
  ])("%j fails with exit code %i: %s", async (args, status, message) => {
    const before = fs.readFileSync(file, "utf8");
    const result = cli(args.map((a) => (a === "FILE" ? file : a)));
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(message);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });
});
