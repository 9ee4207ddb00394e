import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { findEnvelope, openEnvelope, plainEnvironment } from "../../provider/powershell/envelope";

const ID = "3f2a9c";
const answer = (id: string | null, data: unknown) => `HVR1:${JSON.stringify({ id, ok: true, data })}`;

describe("reading the bridge's answer", () => {
  const cases: [string, string][] = [
    ["a plain line", `${answer(ID, [1])}\n`],
    ["after pwsh's keypad sequences", `\u001b[?1h\u001b[?1l${answer(ID, [1])}\n\u001b[?1h`],
    ["between colour codes", `\u001b[32;1m${answer(ID, [1])}\u001b[0m\r\n`],
    ["after stray text on the same line", `WARNING: something${answer(ID, [1])}`],
    ["after a stale answer to another request", `${answer("old", [2])}\n${answer(ID, [1])}`],
    ["after a broken envelope", `HVR1:{"id":"${ID}","ok":tr\n${answer(ID, [1])}`],
  ];
  for (const [name, raw] of cases) {
    it(`finds it ${name}`, () => {
      expect(findEnvelope(raw, ID)).toEqual({ id: ID, ok: true, data: [1] });
    });
  }

  it("never takes an answer to another request, or data without an id, for this one", () => {
    expect(findEnvelope(`${answer("old", [2])}\n${answer(null, [3])}`, ID)).toBeUndefined();
    expect(findEnvelope("no envelope at all", ID)).toBeUndefined();
  });

  it("takes an error without an id (a request the bridge could not read) as this request's answer", () => {
    const unread = { id: null, ok: false, error: { category: "protocol", message: "bad", code: null } };
    expect(findEnvelope(`${answer("old", [2])}\nHVR1:${JSON.stringify(unread)}\n`, ID)).toEqual(unread);
  });

  it("turns an error envelope into a CimError with its category and code, and hides payloads", () => {
    const error = (() => {
      try {
        openEnvelope({
          id: ID,
          ok: false,
          error: { category: "accessDenied", message: `denied ${"QUJD".repeat(12)}`, code: 5 },
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CimError);
    expect(error).toMatchObject({ category: "accessDenied", message: "denied <payload>", code: 5 });
  });

  it("gives PowerShell a plain environment, whatever the caller's", () => {
    expect(
      plainEnvironment({ TERM: "xterm-256color", PATH: "/bin" }, { HVR_BRIDGE_SCRIPT: "/b.ps1" }),
    ).toEqual({
      PATH: "/bin",
      TERM: "dumb",
      NO_COLOR: "1",
      POWERSHELL_UPDATECHECK: "Off",
      POWERSHELL_TELEMETRY_OPTOUT: "1",
      DOTNET_TieredPGO: "0",
      HVR_BRIDGE_SCRIPT: "/b.ps1",
    });
  });

  it("turns dynamic PGO off unless the caller set it", () => {
    expect(plainEnvironment({}, {}).DOTNET_TieredPGO).toBe("0");
    expect(plainEnvironment({ DOTNET_TieredPGO: "1" }, {}).DOTNET_TieredPGO).toBe("1");
  });
});
