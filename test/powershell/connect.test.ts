import { describe, expect, it } from "vitest";
import { PowerShellCimSession } from "../../provider/powershell";
import { HyperVSimulator } from "../../provider/simulator";
import { sha256 } from "./cimServer";
import { COLLECTIONS, useBridgeFixture } from "./fixture";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();

describe.skipIf(!pwsh.path)(skipTitle("connecting through the bridge to a localized Windows", pwsh), () => {
  // German messages, as a localized Windows writes them: only the CimException's numbers tell what happened.
  const f = useBridgeFixture(pwsh, {
    localized: true,
    unreachableHosts: ["nowhere.invalid"],
    timeoutHosts: ["slow.contoso.com"],
    acceptedPasswordHash: sha256("right"),
  });
  const wsman = (host: string, extra: Record<string, unknown> = {}) =>
    new PowerShellCimSession(
      { transport: "wsman", host, username: "CONTOSO\\dr", password: "wrong", ...extra },
      { executable: f.executable },
    );

  it("classifies failures by their numbers, not their text: access denied, unreachable, timeout", async () => {
    f.sim = new HyperVSimulator();
    await expect(wsman("hv01").query(COLLECTIONS)).rejects.toMatchObject({
      category: "accessDenied",
      message: "Zugriff verweigert",
      code: 5,
    });
    await expect(wsman("nowhere.invalid").query(COLLECTIONS)).rejects.toMatchObject({
      category: "unreachable",
      message:
        "WinRM kann den Vorgang nicht ausführen. Überprüfen Sie, ob der angegebene Computername gültig ist.",
      code: 2150859046,
    });
    await expect(wsman("slow.contoso.com").query(COLLECTIONS)).rejects.toMatchObject({
      category: "timeout",
      code: 2150858793,
    });
  });

  it("hands the HTTPS checks to skip to New-CimSessionOption, and no others", async () => {
    f.sim = new HyperVSimulator();
    const session = wsman("hv02", {
      password: "right",
      useSsl: true,
      skipCACheck: true,
      skipRevocationCheck: true,
    });
    expect(await session.query(COLLECTIONS)).toEqual([]);
    const connect = f.server.requests.filter((r) => r.includes('"connect"')).at(-1)!;
    expect(JSON.parse(connect)).toMatchObject({
      computerName: "hv02",
      useSsl: true,
      skipCACheck: true,
      skipCNCheck: false,
      skipRevocationCheck: true,
    });
  });

  it("says that local with a username is WinRM to localhost when it fails", async () => {
    f.sim = new HyperVSimulator();
    const session = new PowerShellCimSession(
      { transport: "local", username: ".\\dr", password: "wrong" },
      { executable: f.executable },
    );
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "accessDenied",
      message:
        "Zugriff verweigert. With a username, transport 'local' connects through WinRM to localhost: the WinRM listener must run on this machine (Enable-PSRemoting), and for a local account UAC remote restrictions apply (use a domain account, or set LocalAccountTokenFilterPolicy); without a username, local calls run as the agent's own identity without WinRM",
    });
    const connect = f.server.requests.filter((r) => r.includes('"connect"')).at(-1)!;
    expect(JSON.parse(connect)).toMatchObject({ computerName: "localhost", username: ".\\dr" });
  });
});
