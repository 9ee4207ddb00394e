import { createDecipheriv } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { CimNamespace } from "../../provider/cim";
import { CimError } from "../../provider/cim";
import { PowerShellCimSession } from "../../provider/powershell";
import { HyperVSimulator } from "../../provider/simulator";
import { sha256, TYPE_PROBE } from "./cimServer";
import {
  COLLECTIONS,
  everyProcess,
  ownProcesses,
  processText,
  sharePools,
  useBridgeFixture,
} from "./fixture";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();
const PASSWORD = "Tr0ub4dor&3 'quoted' $dollar `tick`";

describe.skipIf(!pwsh.path)(skipTitle("the PowerShell bridge", pwsh), () => {
  const f = useBridgeFixture(pwsh, {
    unreachableHosts: ["nowhere.invalid"],
    acceptedPasswordHash: sha256(PASSWORD),
  });

  describe("one PowerShell for the tests that read through it with the default settings", () => {
    sharePools();

    it("round-trips every awkward CIM type exactly: UInt64, SInt64, datetimes, intervals, text, nulls, arrays", async () => {
      f.sim = new HyperVSimulator();
      expect(await f.local().query("Hvr_TypeProbe")).toEqual([TYPE_PROBE]);
    });

    it("never executes a value: names that try to run code are only compared", async () => {
      f.sim = new HyperVSimulator();
      const marker = path.join(f.dir, "pwned");
      const attacks = [
        `'; [IO.File]::WriteAllText('${marker}', 'x'); '`,
        `$([IO.File]::WriteAllText('${marker}', 'x'))`,
        `"; [IO.File]::WriteAllText('${marker}', 'x'); "`,
        `\`"$([IO.File]::WriteAllText('${marker}','x'))`,
        `x\n[IO.File]::WriteAllText('${marker}', 'x')`,
        `\\'; [IO.File]::WriteAllText('${marker}', 'x') --`,
      ];
      for (const name of attacks) await f.sim.addCollection({ name });
      const session = f.local();
      for (const name of attacks) {
        expect(
          (await session.query(COLLECTIONS, { ElementName: name })).map((c) => c.properties.ElementName),
        ).toEqual([name]);
      }
      expect(fs.existsSync(marker)).toBe(false);
    });

    it("refuses class, property and method names that are not plain identifiers, before PowerShell sees them", async () => {
      f.sim = new HyperVSimulator();
      const session = f.local();
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

    it("serves only the two Hyper-V namespaces: any other is refused by the bridge itself, before a cmdlet runs", async () => {
      f.sim = new HyperVSimulator();
      await f.sim.addCollection({ name: "sql-cluster" });
      const session = f.local();
      const elsewhere = { namespace: "root/cimv2" as CimNamespace };
      await expect(session.query(COLLECTIONS, {}, elsewhere)).rejects.toThrow("namespace not served");
      expect(await f.sim.reads()).toEqual([]);
      expect(await session.query(COLLECTIONS, {}, { namespace: "root/virtualization/v2" })).toEqual([]);
      expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual([
        "sql-cluster",
      ]);
    });
  });

  it("connects over wsman with a credential built inside PowerShell, and the password is nowhere else", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    const stdinLog = path.join(f.dir, "stdin.log");
    const wrapper = f.script("tee-stdin.sh", `tee -a '${stdinLog}' | exec '${f.executable}' "$@"`);
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
    expect(f.server.passwordHashes.at(-1)).toBe(sha256(PASSWORD));
    expect(JSON.parse(f.server.requests.find((r) => r.includes('"connect"'))!)).toMatchObject({
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
    const stdin = fs.readFileSync(stdinLog, "utf8");
    // Booleans, not toContain: a failure must not print other processes' environments.
    const captured = [stdin, everyProcess(), f.server.requests.join("\n")].join("\n");
    expect(forms.filter((form) => captured.includes(form))).toEqual([]);
    // The key is in neither the environment nor the arguments of the bridge's processes: it went down stdin, as the
    // line after the command that reads it.
    const lines = stdin.split("\n");
    const keyText = lines[lines.indexOf("$HvrKeyLine = [Console]::In.ReadLine()") + 1]!;
    const key = Buffer.from(keyText, "base64");
    expect(key).toHaveLength(32);
    const ours = await ownProcesses();
    expect(ours.length).toBeGreaterThan(0);
    const seen = ours.map((pid) => processText(pid));
    expect(seen.filter((t) => t.includes(keyText) || t.includes("HVR_BRIDGE_KEY"))).toEqual([]);
    // Once the bridge serves, every line PowerShell reads is a payload, base64, read as data: no command carries a
    // value. Decoded, the payloads hold only ciphertext, which that key opens.
    const payloads = lines
      .slice(lines.findIndex((l) => l.includes("Start-HvrBridgeLoop")) + 1)
      .filter(Boolean);
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.filter((l) => !/^[A-Za-z0-9+/]+=*$/.test(l))).toEqual([]);
    const decoded = payloads.map((l) => Buffer.from(l, "base64").toString("utf8"));
    for (const form of forms) expect(decoded.join("\n")).not.toContain(form);
    const connect = JSON.parse(decoded.find((d) => d.includes('"op":"connect"'))!) as {
      password: { iv: string; data: string };
    };
    const decipher = createDecipheriv("aes-256-cbc", key, Buffer.from(connect.password.iv, "base64"));
    const opened = Buffer.concat([
      decipher.update(Buffer.from(connect.password.data, "base64")),
      decipher.final(),
    ]);
    expect(opened.toString("utf8")).toBe(PASSWORD);
  });

  it("reports a wrong password as access denied, without the password", async () => {
    f.sim = new HyperVSimulator();
    const session = new PowerShellCimSession(
      { transport: "wsman", host: "hv-replica01", username: "CONTOSO\\dr", password: "wrong-password-123" },
      { executable: f.executable },
    );
    const error = await session.query(COLLECTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CimError);
    expect(error).toMatchObject({ category: "accessDenied", message: "Access is denied." });
    expect(String((error as Error).stack)).not.toContain("wrong-password-123");
  });

  it("reports a host WinRM cannot reach as unreachable", async () => {
    f.sim = new HyperVSimulator();
    const session = new PowerShellCimSession(
      { transport: "wsman", host: "nowhere.invalid" },
      { executable: f.executable },
    );
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
});
