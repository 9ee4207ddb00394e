/**
 * When ssh ends before the remoting session opens (nothing listens on the port, the login is refused), New-PSSession
 * mostly reports a PSRemotingTransportException, and now and then, when ssh's end races the session's start, a
 * PSRemotingDataStructureException in the InvalidOperation category ("An error has occurred which PowerShell cannot
 * handle. A remote session might have ended."): once in 180 connects to a closed port on a busy machine. The bridge
 * reports both as the node unreachable, which is what makes the provider run ssh once more to learn why
 * (sshDiagnose.ts). The race is too rare to wait for, so New-PSSession is replaced here by a function that fails
 * each way; the ssh tests connect through the real one.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BRIDGE_SCRIPT } from "../../provider/powershell/bridgeProcess";
import { plainEnvironment } from "../../provider/powershell/envelope";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();

const ENDED = "An error has occurred which PowerShell cannot handle. A remote session might have ended.";
const TERMINATED =
  "The SSH client session has ended with error message: The SSH transport process has abruptly terminated causing this remote session to break.";

/**
 * Loads the bridge, replaces New-PSSession with one that fails as `HVR_TEST_FAILURE` names, and answers one ssh
 * connect request (base64 JSON in `HVR_TEST_REQUEST`, as the provider sends it). Fixed text: the values are data in
 * the environment.
 */
const SCRIPT = `
. $env:HVR_BRIDGE_SCRIPT
function New-PSSession {
    $type = [System.Management.Automation.Remoting.PSRemotingTransportException]
    if ($env:HVR_TEST_FAILURE -eq 'dataStructure') { $type = [System.Management.Automation.Remoting.PSRemotingDataStructureException] }
    $e = $type::new($env:HVR_TEST_MESSAGE)
    throw [System.Management.Automation.ErrorRecord]::new($e, 'PSSessionOpenFailed', 'InvalidOperation', $null)
}
Invoke-HvrRequest $env:HVR_TEST_REQUEST
`;

const REQUEST = {
  id: "connect-1",
  op: "connect",
  transport: "ssh",
  host: "127.0.0.1",
  port: 22,
  username: "root",
  sshKeyFile: null,
  knownHostsFile: null,
  askpass: null,
  operationTimeoutSec: 30,
};

function connectFailing(failure: "transport" | "dataStructure", message: string): unknown {
  const result = spawnSync(pwsh.path!, ["-NoProfile", "-NonInteractive", "-Command", SCRIPT], {
    encoding: "utf8",
    env: plainEnvironment(process.env, {
      HVR_BRIDGE_SCRIPT: BRIDGE_SCRIPT,
      HVR_TEST_FAILURE: failure,
      HVR_TEST_MESSAGE: message,
      HVR_TEST_REQUEST: Buffer.from(JSON.stringify(REQUEST)).toString("base64"),
    }),
  });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

describe.skipIf(!pwsh.path)(
  skipTitle("an ssh connect that ssh ended, as PowerShell reports it", pwsh),
  () => {
    it.each([
      ["the transport process terminated (the usual report)", "transport", TERMINATED],
      ["a remote session that might have ended (the rare one)", "dataStructure", ENDED],
    ] as const)("is the node unreachable: %s", (_name, failure, message) => {
      expect(connectFailing(failure, message)).toEqual({
        id: "connect-1",
        ok: false,
        error: { category: "unreachable", message, code: -2146233087 },
      });
    });
  },
);
