import { describe } from "vitest";
import { cimContract } from "../cim/contract";
import { sharePools, useBridgeFixture } from "./fixture";
import { findPwsh } from "./pwsh";
import { sshPasswordUnavailable, useSshPasswordServer } from "./sshFixture";

const pwsh = findPwsh();
const why = sshPasswordUnavailable(pwsh);
const title =
  "the CIM contract over the ssh transport's password login: real pwsh on both ends, a test account with a random password";

// Apart from sshPassword.test.ts, with its own server and account, so that the two run in parallel.
describe.skipIf(why !== undefined)(why ? `${title} (skipped: ${why})` : title, () => {
  const f = useBridgeFixture(pwsh);
  const s = useSshPasswordServer(f);
  // One login and one remote PowerShell for the whole contract, as the local contract shares its process: each test
  // still has its own simulator. Logging in and its failures are sshPassword.test.ts's.
  sharePools();

  cimContract("the bridge in a remote session over SSH, logged in with a password", async (sim) => {
    f.sim = sim;
    return s.over(s.user.password);
  });
});
