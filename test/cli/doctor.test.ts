/**
 * `hyperv-replica doctor` as a pipeline runs it: the built bin in its own process, settings from a stack file and
 * flags, the password from the environment and never printed, a table or JSON, the exit code, and --record.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackFile } from "../../provider/doctor/stackFile";
import { PROVIDER_CONTRACT } from "../../provider/hyperv/contract";
import { REPO_ROOT } from "../harness/plugin";
import { cli, requireBuild } from "./run";

const BIN = path.join(REPO_ROOT, "dist", "hypervReplica.js");
const SECRET = "s3cret-never-printed";

function doctor(args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, "doctor", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("hyperv-replica doctor", () => {
  let dir = "";
  beforeAll(() => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-doctor-"));
    expect(
      cli(["init", path.join(dir, ".rehearsal/cluster.json"), "--collection", "sql-cluster:sql-a"]).status,
    ).toBe(0);
    fs.writeFileSync(
      path.join(dir, "Pulumi.rehearsal.yaml"),
      [
        "config:",
        "  dr-drill:recoveryPoint: latest",
        "  hyperv-replica:transport: simulator",
        "  # relative to the project",
        "  hyperv-replica:simulatorStateFile: .rehearsal/cluster.json",
      ].join("\n"),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads the stack file, prints a table, exits 0 and writes the host's classes with --record", () => {
    const result = doctor(
      ["--stack", "rehearsal", "--collection", "sql-cluster", "--record", "classes.json"],
      dir,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^\s+CHECK\s+SEEN$/);
    expect(lines.filter((l) => l.startsWith("✓ pass")).length).toBe(6 + PROVIDER_CONTRACT.length + 2);
    expect(result.stdout).toContain(`state file ${path.join(dir, ".rehearsal/cluster.json")}`);
    const record = JSON.parse(fs.readFileSync(path.join(dir, "classes.json"), "utf8")) as {
      classes: { className: string }[];
    };
    expect(record.classes.map((c) => c.className)).toEqual(PROVIDER_CONTRACT.map((c) => c.className));
  });

  it("prints JSON for pipelines and exits 1 when a check fails, with one line of advice", () => {
    const result = doctor(["--stack", "rehearsal", "--collection", "nosuch", "--json"], dir);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { id: string; status: string; advice?: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === "collection:nosuch")).toMatchObject({
      status: "fail",
      advice: expect.stringMatching(/Get-VMGroup/),
    });
  });

  it("takes the password from HYPERV_REPLICA_PASSWORD and never prints it", () => {
    const env = { HYPERV_REPLICA_PASSWORD: SECRET };
    const result = doctor(
      [
        "--transport",
        "wsman",
        "--host",
        "hv-replica01.contoso.com",
        "--username",
        "CONTOSO\\dr",
        "--powershell",
        "/nonexistent/pwsh",
      ],
      dir,
      env,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      "password from HYPERV_REPLICA_PASSWORD, the stack's secret or the prompt",
    );
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it("refuses a password on the command line, and settings that do not fit together", () => {
    const flag = doctor(["--password", SECRET], dir);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/--password is not taken.*HYPERV_REPLICA_PASSWORD/);
    expect(flag.stderr + flag.stdout).not.toContain(SECRET);
    const bad = doctor(["--transport", "wsman", "--json"], dir);
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as { checks: { id: string; status: string; detail: string }[] };
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["settings", "fail"],
      ["transport", "skip"],
    ]);
    expect(report.checks[0]?.detail).toMatch(/hyperv-replica:host: missing/);
  });

  it("has help, and says what is not a command", () => {
    const help = spawnSync(process.execPath, [BIN, "doctor", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hyperv-replica doctor /);
    const wrong = spawnSync(process.execPath, [BIN, "docter"], { encoding: "utf8" });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/'docter' is not a command/);
  });
});

describe("the stack file", () => {
  it("reads the hyperv-replica keys, unquoted, and names the secrets it cannot read", () => {
    const parsed = parseStackFile(
      [
        "encryptionsalt: v1:abc",
        "config:",
        "  dr-drill:recoveryPoint: latest",
        "  hyperv-replica:host: hv-replica01.contoso.com # the replica",
        '  hyperv-replica:useSsl: "true"',
        "  hyperv-replica:username: CONTOSO\\svc-dr-pulumi",
        "  hyperv-replica:authentication: 'Kerberos'",
        "  hyperv-replica:password:",
        "    secure: v1:AAAA",
        "  hyperv-replica:sshKeyFile: { secure: v1:BBBB }",
      ].join("\n"),
    );
    expect(parsed).toEqual({
      values: {
        "hyperv-replica:host": "hv-replica01.contoso.com",
        "hyperv-replica:useSsl": "true",
        "hyperv-replica:username": "CONTOSO\\svc-dr-pulumi",
        "hyperv-replica:authentication": "Kerberos",
      },
      secrets: ["hyperv-replica:password", "hyperv-replica:sshKeyFile"],
    });
  });
});
