import * as path from "node:path";
import { afterAll, beforeAll, describe, vi } from "vitest";
import type { CimSession } from "../../provider/cim";
import { closeAllPools, PowerShellCimSession } from "../../provider/powershell";
import { cimContract } from "../cim/contract";
import type { CimServer } from "./cimServer";
import { startCimServer } from "./cimServer";
import { findPwsh, skipTitle, useFakeCimCmdlets } from "./pwsh";

const pwsh = findPwsh();
// Real pwsh processes start in seconds, but on a loaded machine far longer.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe.skipIf(!pwsh.path)(skipTitle("PowerShell 7 running the bridge script", pwsh), () => {
  let server: CimServer;
  let current: CimSession | undefined;

  beforeAll(async () => {
    server = await startCimServer(() => {
      if (!current) throw new Error("no simulator yet");
      return current;
    });
    useFakeCimCmdlets(server.url);
  });

  afterAll(async () => {
    await closeAllPools();
    await server?.close();
  });

  cimContract("the PowerShell bridge in front of the simulator", async (sim) => {
    current = sim.session();
    return new PowerShellCimSession(
      { transport: "local" },
      { executable: path.resolve(pwsh.path ?? "pwsh") },
    );
  });
});
