import { describe } from "vitest";
import { cimContract } from "../cim/contract";
import { sharePools, useBridgeFixture } from "./fixture";
import { findPwsh } from "./pwsh";
import { sshKeyUnavailable, useSshKeyServer } from "./sshFixture";

const pwsh = findPwsh();
const why = sshKeyUnavailable(pwsh);
const title = "the CIM contract over the ssh transport: real pwsh on both ends of Debian's OpenSSH server";

// Apart from ssh.test.ts, with its own server, so that the two run in parallel.
describe.skipIf(why !== undefined)(why ? `${title} (skipped: ${why})` : title, () => {
  const f = useBridgeFixture(pwsh);
  const { over } = useSshKeyServer(f);
  // One ssh connection and one remote PowerShell for the whole contract, as the local contract shares its process:
  // each test still has its own simulator. Connecting, reconnecting and refusing are ssh.test.ts's.
  sharePools();

  cimContract("the bridge in a remote session over SSH", async (sim) => {
    // The endpoint behind the remote CimCmdlets serves this test's simulator.
    f.sim = sim;
    return over();
  });
});
