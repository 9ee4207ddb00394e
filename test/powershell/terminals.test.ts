import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { closeAllPools } from "../../provider/powershell";
import { HyperVSimulator } from "../../provider/simulator";
import { COLLECTIONS, useBridgeFixture } from "./fixture";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();
const saved = { ...process.env };

describe.skipIf(!pwsh.path)(skipTitle("the bridge in a real pwsh, whatever the terminal", pwsh), () => {
  const f = useBridgeFixture(pwsh);

  afterEach(() => {
    delete process.env.TERM;
    delete process.env.NO_COLOR;
    Object.assign(process.env, { TERM: saved.TERM, NO_COLOR: saved.NO_COLOR });
    if (saved.TERM === undefined) delete process.env.TERM;
    if (saved.NO_COLOR === undefined) delete process.env.NO_COLOR;
  });

  for (const term of ["xterm-256color", "vt100", "linux", "dumb", undefined]) {
    it(`answers every call with TERM=${term ?? "(unset)"} and NO_COLOR unset in the caller's environment`, async () => {
      f.sim = new HyperVSimulator();
      await f.sim.addCollection({ name: "sql-cluster" });
      if (term === undefined) delete process.env.TERM;
      else process.env.TERM = term;
      delete process.env.NO_COLOR;
      const session = f.local({ maxSessions: 1 });
      for (let i = 0; i < 3; i++) {
        expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual([
          "sql-cluster",
        ]);
      }
      await closeAllPools();
    });
  }

  it("finds the answer after the escape sequences a pwsh with a terminal writes, when the plain environment is lost", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    // A wrapper that undoes the plain environment, as a login script or an agent's own settings might.
    const hostile = f.script(
      "hostile.sh",
      `export TERM=xterm-256color\nunset NO_COLOR\nexec '${f.executable}' "$@"`,
    );
    const printed = execFileSync(hostile, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "-"], {
      input: "'plain'\n",
      encoding: "utf8",
    });
    // The case is really hostile: this pwsh writes escape sequences around its output.
    expect(printed).toContain("\u001b[?1h");
    expect(printed).toContain("plain");
    const session = f.local({ executable: hostile, maxSessions: 1 });
    expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual(["sql-cluster"]);
    expect(await session.query(COLLECTIONS, { ElementName: "absent" })).toEqual([]);
  });

  it("refuses Constrained Language Mode at start with one clear error", async () => {
    f.sim = new HyperVSimulator();
    // WDAC and AppLocker put pwsh in ConstrainedLanguage; here a first line of input does it.
    const constrained = f.script(
      "constrained.sh",
      `{ printf '%s\\n' '$ExecutionContext.SessionState.LanguageMode = "ConstrainedLanguage"'; exec cat; } | exec '${f.executable}' "$@"`,
    );
    await expect(f.local({ executable: constrained }).query(COLLECTIONS)).rejects.toMatchObject({
      category: "environment",
      message:
        "PowerShell runs in ConstrainedLanguage mode, as Windows Defender Application Control (WDAC) or AppLocker enforce it, and the bridge needs FullLanguage. Run the agent where PowerShell runs in FullLanguage: exempt the agent's account or machine from the policy, or run it on a Linux agent with transport ssh",
    });
  });
});
