import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CimSession } from "../../provider/cim";
import { CimError } from "../../provider/cim";
import { closeAllPools, PowerShellCimSession } from "../../provider/powershell";
import { HyperVSimulator } from "../../provider/simulator";
import type { CimServer } from "./cimServer";
import { sha256, startCimServer, TYPE_PROBE } from "./cimServer";
import { findPwsh, skipTitle, useFakeCimCmdlets } from "./pwsh";

const pwsh = findPwsh();
const PASSWORD = "Tr0ub4dor&3 'quoted' $dollar `tick`";
const COLLECTIONS = "Msvm_VirtualSystemCollection";

/** The pids of this process's PowerShell children. */
function powershellChildren(): number[] {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, comm]) => comm === "pwsh" || comm === "sh")
    .map(([pid]) => Number(pid));
}

/** Every process's command line and environment on this machine, as text. */
function everyProcess(): string {
  const texts: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    for (const file of ["cmdline", "environ"]) {
      try {
        texts.push(fs.readFileSync(`/proc/${pid}/${file}`, "utf8"));
      } catch {
        // Gone or not ours to read.
      }
    }
  }
  return texts.join("\n");
}

describe.skipIf(!pwsh.path)(skipTitle("the PowerShell bridge", pwsh), () => {
  const executable = path.resolve(pwsh.path ?? "pwsh");
  let server: CimServer;
  let sim: HyperVSimulator;

  beforeAll(async () => {
    server = await startCimServer(() => sim.session(), {
      unreachableHosts: ["nowhere.invalid"],
      acceptedPasswordHash: sha256(PASSWORD),
    });
    useFakeCimCmdlets(server.url);
  });

  afterEach(async () => {
    await closeAllPools();
  });

  afterAll(async () => {
    await server?.close();
  });

  const local = (settings: ConstructorParameters<typeof PowerShellCimSession>[1] = {}): CimSession =>
    new PowerShellCimSession({ transport: "local" }, { executable, ...settings });

  it("round-trips every awkward CIM type exactly: UInt64, SInt64, datetimes, intervals, text, nulls, arrays", async () => {
    sim = new HyperVSimulator();
    expect(await local().query("Hvr_TypeProbe")).toEqual([TYPE_PROBE]);
  });

  it("never executes a value: names that try to run code are only compared", async () => {
    sim = new HyperVSimulator();
    const marker = path.join(os.tmpdir(), `hvr-pwned-${process.pid}`);
    const attacks = [
      `'; [IO.File]::WriteAllText('${marker}', 'x'); '`,
      `$([IO.File]::WriteAllText('${marker}', 'x'))`,
      `"; [IO.File]::WriteAllText('${marker}', 'x'); "`,
      `\`"$([IO.File]::WriteAllText('${marker}','x'))`,
      `x\n[IO.File]::WriteAllText('${marker}', 'x')`,
      `\\'; [IO.File]::WriteAllText('${marker}', 'x') --`,
    ];
    for (const name of attacks) await sim.addCollection({ name });
    const session = local();
    for (const name of attacks) {
      expect(
        (await session.query(COLLECTIONS, { ElementName: name })).map((c) => c.properties.ElementName),
      ).toEqual([name]);
    }
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("refuses class, property and method names that are not plain identifiers, before PowerShell sees them", async () => {
    sim = new HyperVSimulator();
    const session = local();
    await expect(session.query("Msvm_X; Remove-Item")).rejects.toThrow(
      'invalid class name "Msvm_X; Remove-Item"',
    );
    await expect(session.query(COLLECTIONS, { "ElementName='x' OR 1": "y" })).rejects.toThrow(
      /invalid property name/,
    );
    await expect(session.invoke({ className: COLLECTIONS, keys: {} }, "Revert$(x)", {})).rejects.toThrow(
      /invalid method name/,
    );
  });

  it("connects over wsman with a credential built inside PowerShell, and the password is nowhere else", async () => {
    sim = new HyperVSimulator();
    await sim.addCollection({ name: "sql-cluster" });
    const stdinLog = path.join(os.tmpdir(), `hvr-stdin-${process.pid}.log`);
    const wrapper = path.join(os.tmpdir(), `hvr-pwsh-tee-${process.pid}.sh`);
    fs.writeFileSync(wrapper, `#!/bin/sh\ntee -a '${stdinLog}' | exec '${executable}' "$@"\n`, {
      mode: 0o755,
    });
    const session = new PowerShellCimSession(
      {
        transport: "wsman",
        host: "hv-replica01",
        port: 5986,
        useSsl: true,
        authentication: "Kerberos",
        username: "CONTOSO\\dr",
        password: PASSWORD,
      },
      { executable: wrapper },
    );
    expect(session.target).toBe("hv-replica01 (wsman)");
    expect(await session.query(COLLECTIONS)).toHaveLength(1);
    expect(server.passwordHashes.at(-1)).toBe(sha256(PASSWORD));
    expect(JSON.parse(server.requests.find((r) => r.includes('"connect"'))!)).toMatchObject({
      computerName: "hv-replica01",
      port: 5986,
      useSsl: true,
      authentication: "Kerberos",
      username: "CONTOSO\\dr",
    });

    const forms = [
      PASSWORD,
      Buffer.from(PASSWORD).toString("base64"),
      JSON.stringify(PASSWORD).slice(1, -1),
      "Tr0ub4dor",
    ];
    const captured = [fs.readFileSync(stdinLog, "utf8"), everyProcess(), server.requests.join("\n")].join(
      "\n",
    );
    for (const form of forms) expect(captured).not.toContain(form);
    // What went to PowerShell was the payload, base64: decoded, it holds only ciphertext.
    const decoded = [...fs.readFileSync(stdinLog, "utf8").matchAll(/Invoke-HvrBridge '([^']+)'/g)].map((m) =>
      Buffer.from(m[1]!, "base64").toString("utf8"),
    );
    expect(decoded.some((d) => d.includes('"password":{"iv":'))).toBe(true);
    for (const form of forms) expect(decoded.join("\n")).not.toContain(form);
  });

  it("reports a wrong password as access denied, without the password", async () => {
    sim = new HyperVSimulator();
    const session = new PowerShellCimSession(
      { transport: "wsman", host: "hv-replica01", username: "CONTOSO\\dr", password: "wrong-password-123" },
      { executable },
    );
    const error = await session.query(COLLECTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CimError);
    expect(error).toMatchObject({ category: "accessDenied", message: "Access is denied." });
    expect(String((error as Error).stack)).not.toContain("wrong-password-123");
  });

  it("reports a host WinRM cannot reach as unreachable", async () => {
    sim = new HyperVSimulator();
    const session = new PowerShellCimSession({ transport: "wsman", host: "nowhere.invalid" }, { executable });
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "unreachable",
      message: expect.stringContaining("WinRM cannot complete the operation"),
    });
  });

  it("gives one clear error for a missing PowerShell, and no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const missingPath = () =>
        new PowerShellCimSession({ transport: "local" }, { executable: "/nonexistent/pwsh" });
      expect(missingPath).toThrow(
        "PowerShell was not found: /nonexistent/pwsh does not exist or is not executable. Install PowerShell 7 or set hyperv-replica:powershell to pwsh, powershell.exe, or the full path of either (tried '/nonexistent/pwsh')",
      );
      const missingName = () =>
        new PowerShellCimSession({ transport: "local" }, { executable: "pwsh-not-installed" });
      expect(missingName).toThrow(
        /^PowerShell was not found: 'pwsh-not-installed' is not on PATH\. Install PowerShell 7/,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("runs concurrent calls in parallel processes, up to maxSessions, and reuses them warm", async () => {
    sim = new HyperVSimulator();
    await sim.addCollection({ name: "sql-cluster" });
    await sim.injectFault({ kind: "slow", delayMs: 300, times: 6 });
    const session = local({ maxSessions: 3 });
    await Promise.all(Array.from({ length: 6 }, () => session.query(COLLECTIONS)));
    const pids = powershellChildren();
    expect(pids).toHaveLength(3);
    await session.query(COLLECTIONS);
    expect(powershellChildren()).toEqual(pids);
  });

  it("replaces a process that died, without failing the next call", async () => {
    sim = new HyperVSimulator();
    await sim.addCollection({ name: "sql-cluster" });
    const session = local({ maxSessions: 1 });
    await session.query(COLLECTIONS);
    const [first] = powershellChildren();
    process.kill(first!, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await session.query(COLLECTIONS)).toHaveLength(1);
    expect(powershellChildren()).not.toContain(first);
  });

  it("gives up a call that takes too long, replaces its process, and carries on", async () => {
    sim = new HyperVSimulator();
    await sim.addCollection({ name: "sql-cluster" });
    await sim.injectFault({ kind: "slow", delayMs: 3000, times: 1 });
    const session = local({ maxSessions: 1, requestTimeoutMs: 1000 });
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "timeout",
      message: "PowerShell did not answer within 1 s",
    });
    expect(await session.query(COLLECTIONS)).toHaveLength(1);
  });
});
