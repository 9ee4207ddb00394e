/**
 * `hyperv-replica-sim`, the package's bin, run as a separate process on a state file that this test also opens
 * through the simulator API, as a pipeline and a Pulumi program would share it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HyperVSimulator } from "../../provider/simulator";
import { collectionRef, SERVICE } from "../simulator/fixtures";
import { cli, CLI, requireBuild } from "./run";

const GUID = "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}";
let dir: string;
let file: string;

beforeAll(() => {
  requireBuild();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-cli-"));
  file = path.join(dir, "drill", "cluster.json");
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const sim = () => new HyperVSimulator({ stateFile: file });

describe("hyperv-replica-sim", () => {
  it("is an executable script for node, the package's bin", () => {
    expect(fs.readFileSync(CLI, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
    expect(pkg.bin["hyperv-replica-sim"]).toBe("dist/cli.js");
  });

  it("without a command prints the usage of every command to stderr and exits 2", () => {
    const result = cli([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    for (const command of [
      "init",
      "add",
      "show",
      "calls",
      "jobs",
      "set-state",
      "job-duration",
      "fault",
      "clear-faults",
      "add-point",
      "health",
      "add-vms",
      "vm-state",
      "vm-guest",
      "init-pair",
      "add-host-vms",
      "add-site",
    ]) {
      expect(result.stderr).toContain(`hyperv-replica-sim ${command} <stateFile>`);
    }
    expect(cli(["help"])).toMatchObject({ status: 0, stdout: result.stderr, stderr: "" });
  });

  it("rejects an unknown command, option or missing argument with exit code 2 and the command's usage", () => {
    expect(cli(["seed", file])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^hyperv-replica-sim: 'seed' is not a command\n/),
    });
    expect(cli(["show", file, "--verbose"])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        /^hyperv-replica-sim show: Unknown option '--verbose'.*\nUsage: hyperv-replica-sim show <stateFile> \[--json\]\n$/s,
      ),
    });
    expect(cli(["set-state", file, "sql-cluster"])).toMatchObject({
      status: 2,
      stderr:
        "hyperv-replica-sim set-state: set-state needs <replicationState>\nUsage: hyperv-replica-sim set-state <stateFile> <collection> <replicationState> [--mode <replicationMode>]\n",
    });
  });

  it("before init: the simulator's error says the CLI creates the file, and the CLI's error names the command", async () => {
    await expect(sim().collections()).rejects.toThrow(
      `simulator state file ${file} does not exist; create it first (HyperVSimulator.init or the CLI)`,
    );
    expect(cli(["show", file])).toEqual({
      status: 1,
      stdout: "",
      stderr: `hyperv-replica-sim show: ${file} does not exist; create it first: hyperv-replica-sim init ${file}\n`,
    });
  });

  it("init creates the folder and the file with the collections in Replicating, and prints them", async () => {
    const result = cli([
      "init",
      file,
      "--collection",
      "sql-cluster:sql-a,sql-b",
      "--collection",
      "app-tier",
      "--recovery-points",
      "3",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^Created ${file}\\n` +
          "COLLECTION   ID +REPLICATION STATE  MODE     MEMBERS\\n" +
          `sql-cluster  ${GUID}  Replicating \\(3\\)    Replica  sql-a, sql-b\\n` +
          `app-tier     ${GUID}  Replicating \\(3\\)    Replica\\n$`,
      ),
    );
    const collections = await sim().collections();
    expect(
      collections.map((c) => [c.name, c.replicationState, c.replicationMode, c.members.map((m) => m.name)]),
    ).toEqual([
      ["sql-cluster", 3, 2, ["sql-a", "sql-b"]],
      ["app-tier", 3, 2, []],
    ]);
    expect(await sim().recoveryPoints(collections[0]!.id)).toHaveLength(3);
  });

  it("init refuses to overwrite an existing file unless --force is given", () => {
    expect(cli(["init", file])).toEqual({
      status: 1,
      stdout: "",
      stderr: `hyperv-replica-sim init: ${file} exists already; pass --force to start over, or use 'hyperv-replica-sim add'\n`,
    });
    const other = path.join(dir, "other.json");
    expect(cli(["init", other]).status).toBe(0);
    expect(cli(["init", other, "--force", "--collection", "web"]).status).toBe(0);
    expect(JSON.parse(cli(["show", other, "--json"]).stdout).map((c: { name: string }) => c.name)).toEqual([
      "web",
    ]);
  });

  it("add appends collections; show --json gives the names of the states and modes", () => {
    expect(cli(["add", file, "--collection", "file-server:fs-01"]).status).toBe(0);
    expect(cli(["add", file]).status).toBe(2);
    const shown = JSON.parse(cli(["show", file, "--json"]).stdout);
    expect(
      shown.map((c: Record<string, unknown>) => [c.name, c.replicationStateName, c.replicationModeName]),
    ).toEqual([
      ["sql-cluster", "Replicating", "Replica"],
      ["app-tier", "Replicating", "Replica"],
      ["file-server", "Replicating", "Replica"],
    ]);
  });

  it("set-state changes a collection out of band, by state name or number, with the failover type that goes with it", async () => {
    const byName = cli(["set-state", file, "file-server", "recovered"]);
    expect(byName.status).toBe(0);
    expect(byName.stdout).toMatch(
      new RegExp(
        `^COLLECTION +ID +REPLICATION STATE +MODE +MEMBERS\\nfile-server +${GUID} +Recovered \\(5\\) +Replica +fs-01\\n$`,
      ),
    );
    expect(await sim().collection("file-server")).toMatchObject({
      replicationState: 5,
      failedOverReplicationType: 1,
    });

    expect(cli(["set-state", file, "file-server", "3", "--mode", "Primary"]).status).toBe(0);
    expect(await sim().collection("file-server")).toMatchObject({
      replicationState: 3,
      replicationMode: 1,
      failedOverReplicationType: 0,
    });
  });

  it("set-state names the problem: an unknown state (exit 2) or collection (exit 1)", () => {
    const badState = cli(["set-state", file, "file-server", "failedOver"]);
    expect(badState.status).toBe(2);
    expect(badState.stderr).toContain(
      "'failedOver' is not a valid ReplicationState; use one of Disabled (0), ",
    );
    expect(badState.stderr).toContain("Recovered (5), Committed (6)");
    expect(cli(["set-state", file, "nope", "Recovered"])).toMatchObject({
      status: 1,
      stderr: 'hyperv-replica-sim set-state: no simulated collection has the CollectionID or name "nope"\n',
    });
  });

  it("calls and jobs show what the host was asked, in text and in JSON", async () => {
    expect(cli(["calls", file])).toEqual({ status: 0, stdout: "(no calls)\n", stderr: "" });
    expect(cli(["job-duration", file, "InitiateFailover", "never"]).stdout).toBe(
      "InitiateFailover: jobs never finish\n",
    );
    expect(cli(["fault", file, "return-code", "RevertFailover", "--code", "32775"]).status).toBe(0);

    const sql = (await sim().collection("sql-cluster"))!;
    const session = sim().session();
    await session.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(sql.id) });
    await session.invoke(SERVICE, "RevertFailover", { Collection: collectionRef(sql.id) });
    await session.close();

    const calls = cli(["calls", file]).stdout.trimEnd().split("\n");
    expect(calls[0]).toMatch(/^TIME +CALL +COLLECTION +RESULT$/);
    expect(calls[1]).toMatch(
      new RegExp(
        `^\\S+Z  Msvm_CollectionReplicationService.InitiateFailover  sql-cluster  4096 \\(job ${GUID}\\)$`,
      ),
    );
    expect(calls[2]).toMatch(/^\S+Z +Msvm_CollectionReplicationService.RevertFailover +sql-cluster +32775$/);
    expect(JSON.parse(cli(["calls", file, "--json"]).stdout)).toEqual(await sim().calls());

    const jobs = cli(["jobs", file]).stdout.trimEnd().split("\n");
    expect(jobs[0]).toMatch(/^JOB +METHOD +COLLECTION +STATE +DONE +ERROR$/);
    expect(jobs[1]).toMatch(
      new RegExp(`^${GUID}  InitiateFailover  sql-cluster  (Starting \\(3\\)|Running \\(4\\)) +\\d+%$`),
    );
    expect(JSON.parse(cli(["jobs", file, "--json"]).stdout)).toEqual([
      expect.objectContaining({ method: "InitiateFailover", collectionId: sql.id }),
    ]);
  });

  it("fault adds the faults a real host can produce, and clear-faults removes them", async () => {
    expect(
      cli([
        "fault",
        file,
        "job-fails",
        "RevertFailover",
        "--job-state",
        "9",
        "--error-code",
        "32768",
        "--message",
        "Killed by the operator.",
        "--times",
        "2",
      ]),
    ).toEqual({
      status: 0,
      stdout:
        'Added fault {"kind":"jobFails","method":"RevertFailover","jobState":9,"errorCode":32768,"errorDescription":"Killed by the operator.","times":2}\n',
      stderr: "",
    });
    expect(cli(["fault", file, "unreachable", "--times", "always"]).stdout).toBe(
      'Added fault {"kind":"unreachable","times":"always"}\n',
    );
    expect(cli(["fault", file, "slow", "--delay-ms", "100"]).status).toBe(0);
    expect(cli(["fault", file, "job-hangs", "CommitFailover"]).status).toBe(0);
    expect(
      cli(["fault", file, "wbem-error", "InitiateFailover", "--message", "The RPC server is unavailable."])
        .status,
    ).toBe(0);
    expect(cli(["clear-faults", file])).toEqual({ status: 0, stdout: "No faults pending\n", stderr: "" });
    expect(await sim().collections()).toHaveLength(3); // reachable again: the unreachable fault is gone
  });

  it.each([
    [["fault", "FILE", "job-hangs"], "fault job-hangs needs the method, such as RevertFailover"],
    [
      ["fault", "FILE", "job-fails", "GetReplicationStatistics"],
      "only CreateReplicationRelationship, StartReplication, ModifyReplicationSettings, RemoveReplicationRelationship, SuspendReplication, ResumeReplication, Resynchronize, CancelResynchronize, CancelInitialReplication, InitiateFailover, RevertFailover, CommitFailover, InitiatePlannedFailover, RevertPlannedFailover, PrepareForReverseReplication, ReverseReplicationRelationship, TestReplicaCollection, RevertTestReplicaCollection, AddMember, RemoveMember, RenameCollection, RequestStateChange start jobs, not 'GetReplicationStatistics'",
    ],
    [["fault", "FILE", "return-code", "InitiateFailover"], "fault return-code needs --code"],
    [
      ["fault", "FILE", "unreachable", "InitiateFailover"],
      "fault unreachable applies to every call and takes no method",
    ],
    [
      ["fault", "FILE", "job-fails", "RevertFailover", "--job-state", "7"],
      "--job-state must be a whole number from 8 to 10, got '7'",
    ],
    [
      ["fault", "FILE", "return-code", "InitiateFailover", "--code", "32775", "--host", "east"],
      "fault return-code does not use --host; it takes --code and --times",
    ],
    [
      ["fault", "FILE", "job-hangs", "CommitFailover", "--code", "5"],
      "fault job-hangs does not use --code; it takes only --times",
    ],
    [
      ["fault", "FILE", "explode"],
      "'explode' is not a fault; use return-code, job-fails, job-hangs, wbem-error, unreachable or slow",
    ],
    [
      ["job-duration", "FILE", "Reboot", "10"],
      "Reboot does not start a job in the simulator; use CreateReplicationRelationship, StartReplication,",
    ],
    [
      ["job-duration", "FILE", "all", "-5"],
      "-5 is read as an option: negative numbers are not accepted here",
    ],
  ])("%j is a usage error: %s", (args, message) => {
    const result = cli(args.map((a) => (a === "FILE" ? file : a)));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("hyperv-replica-sim's help, version and refusals", () => {
  it("is built with its run bit, so npx runs it straight after a build", () => {
    expect(fs.statSync(CLI).mode & 0o111).toBe(0o111);
  });

  it("answers --version with the package's version", () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8"));
    expect(cli(["--version"])).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("gives each command its own help, with examples, from --help and from help <command>", () => {
    const help = cli(["init", "--help"]);
    expect(help).toMatchObject({ status: 0, stderr: "" });
    expect(help.stdout.split("\n").slice(0, 3)).toEqual([
      "Usage: hyperv-replica-sim init <stateFile> [--collection <name[:vm,vm,...]>]... [--recovery-points <n>] [--force]",
      "",
      "Create the state file (and its folder) holding a replica cluster with these collections, in Replicating.",
    ]);
    expect(help.stdout).toContain(
      "  hyperv-replica-sim init drill/cluster.json --collection sql-cluster:sql-a,sql-b --recovery-points 3",
    );
    expect(cli(["help", "init"])).toEqual(help);
  });

  it("refuses help on a command that does not exist, with exit code 2", () => {
    const result = cli(["help", "nosuch"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^hyperv-replica-sim help: 'nosuch' is not a command; the commands are init, /,
    );
  });

  it("says in its own words that a negative number is not accepted", () => {
    const result = cli(["fault", file, "return-code", "RevertFailover", "--code", "-5"]);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "hyperv-replica-sim fault: --code needs a value, and a value that starts with '-' is read as an option: negative numbers are not accepted",
    );
  });

  it("checks init's options before it writes, so a typo leaves no file behind", () => {
    const fresh = path.join(dir, "typo", "cluster.json");
    const result = cli(["init", fresh, "--collection", ":sql-a", "--recovery-points", "2"]);
    expect(result.status).toBe(2);
    expect(fs.existsSync(fresh)).toBe(false);
    expect(cli(["init", fresh, "--collection", "sql:sql-a"]).status).toBe(0);
  });

  it("refuses an init-pair CollectionID that is not a GUID, and writes nothing", () => {
    const pair = path.join(dir, "pair-typo.json");
    const result = cli(["init-pair", pair, "--name", "sql", "--primary", "east:not-a-guid"]);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "hyperv-replica-sim init-pair: --primary: 'not-a-guid' is not a CollectionID; write a GUID such as 6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
    );
    expect(fs.existsSync(pair)).toBe(false);
  });
});

describe("hyperv-replica-sim's refusals of input it would have stored", () => {
  it("refuses a fault for a method the simulated host does not have", () => {
    const result = cli(["fault", file, "return-code", "RevertFailovr", "--code", "32775"]);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(
      /^hyperv-replica-sim fault: the simulated host has no method 'RevertFailovr'; use one of CreateReplicationRelationship, /,
    );
  });

  it("refuses a VM added twice to a collection", () => {
    const twice = path.join(dir, "twice.json");
    expect(cli(["init", twice, "--collection", "sql:sql-a"]).status).toBe(0);
    const result = cli(["add-vms", twice, "sql", "sql-b,SQL-A"]);
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(result.stderr).toBe("hyperv-replica-sim add-vms: sql already has a member VM named 'SQL-A'\n");
  });

  it("adds VMs outside any group, which a VM group's AddMember takes in, and refuses none at all", () => {
    const hostVms = path.join(dir, "host-vms.json");
    expect(cli(["init", hostVms]).status).toBe(0);
    const added = cli(["add-host-vms", hostVms, "app-a,app-b"]);
    expect(added).toMatchObject({ status: 0, stderr: "" });
    expect(added.stdout).toMatch(/^VM +ID\napp-a +[0-9A-F-]{36}\napp-b +[0-9A-F-]{36}\n$/);
    expect(cli(["add-host-vms", hostVms, ","])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        /^hyperv-replica-sim add-host-vms: add-host-vms needs at least one VM name\n/,
      ),
    });
  });

  it("registers sites, each once, and refuses a name that is no host name", () => {
    const sites = path.join(dir, "sites.json");
    expect(cli(["init", sites]).status).toBe(0);
    expect(cli(["add-site", sites, "east"])).toMatchObject({
      status: 0,
      stdout: "Site east added (connection point east-broker)\n",
    });
    expect(cli(["add-site", sites, "west", "--connection-point", "hvr-west"])).toMatchObject({
      status: 0,
      stdout: "Site west added (connection point hvr-west)\n",
    });
    expect(cli(["add-site", sites, "east"])).toMatchObject({
      status: 1,
      stderr: "hyperv-replica-sim add-site: the site east exists\n",
    });
    expect(cli(["add-site", sites, "1st site"]).status).toBe(2);
  });

  it("names a folder given as the state file in people's words", () => {
    const folder = path.join(dir, "a-folder");
    fs.mkdirSync(folder);
    const result = cli(["init", folder, "--force"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `hyperv-replica-sim init: ${folder} is a folder; give the path of a state file, such as drill/cluster.json (ERR_FS_EISDIR)\n`,
    );
  });

  it("prints times as ISO 8601: a recovery point's creation and a job's submission", async () => {
    const times = path.join(dir, "times.json");
    expect(cli(["init", times, "--collection", "sql:sql-a"]).status).toBe(0);
    const point = cli(["add-point", times, "sql", "--time", "2026-03-01T10:00:00Z"]);
    expect(point.stdout).toContain("2026-03-01T10:00:00.000Z");
    const s = new HyperVSimulator({ stateFile: times });
    const [sql] = await s.collections();
    await s.session().invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(sql!.id) });
    const [job] = JSON.parse(cli(["jobs", times, "--json"]).stdout) as { submittedAt: string }[];
    expect(job?.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
