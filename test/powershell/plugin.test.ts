/**
 * The whole chain a user runs: the Pulumi plugin over gRPC, the serialized provider, the PowerShell session pool,
 * the bridge script in a real PowerShell 7 engine, the CIM cmdlets (test stand-ins), and the simulated cluster.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin, serializeProvider, withoutProvider } from "../harness/plugin";
import type { CimServer } from "./cimServer";
import { sha256, startCimServer } from "./cimServer";
import { findPwsh, skipTitle, useFakeCimCmdlets } from "./pwsh";

const pwsh = findPwsh();
// Real pwsh processes start in seconds, but on a loaded machine far longer.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });
const PASSWORD = "plugin-Secret-'42'-$x";

describe.skipIf(!pwsh.path)(skipTitle("pulumi up through PowerShell over wsman", pwsh), () => {
  let server: CimServer;
  let plugin: Plugin;
  let project: string;
  const sim = new HyperVSimulator({ hostName: "hv-replica01" });

  beforeAll(async () => {
    await sim.addCollection({
      id: "6B0C1F4E-2A52-4C8E-9D41-0A7F3E1B9C10",
      name: "sql-cluster",
      members: ["a", "b"],
    });
    for (const method of ["InitiateFailover", "RevertFailover"]) await sim.setJobDuration(method, 600);
    server = await startCimServer(() => sim.session(), { acceptedPasswordHash: sha256(PASSWORD) });
    useFakeCimCmdlets(server.url);
    project = makeProjectDir();
    plugin = await Plugin.start({ cwd: project });
    await plugin.configure({
      "hyperv-replica:transport": "wsman",
      "hyperv-replica:host": "hv-replica01.contoso.com",
      "hyperv-replica:useSsl": "true",
      "hyperv-replica:authentication": "Negotiate",
      "hyperv-replica:username": "CONTOSO\\dr",
      "hyperv-replica:password": PASSWORD,
      "hyperv-replica:powershell": pwsh.path,
    });
  });

  afterAll(async () => {
    await plugin?.stop();
    await server?.close();
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it("fails over, starts the VMs, turns them off and reverts, and the password appears nowhere", async () => {
    const provider = await serializeProvider(collectionFailoverProvider);
    const program = (failoverState: string) => ({
      collectionName: "sql-cluster",
      failoverState,
      __provider: provider,
    });
    const { inputs, failures } = await plugin.check({}, program("failedOver"));
    expect(failures).toEqual([]);
    const { id, outs } = await plugin.create(inputs);
    expect(outs.failoverState).toBe("failedOver");

    const { inputs: desired } = await plugin.check(inputs, program("normal"));
    const { outs: after } = await plugin.update(id, outs, desired);
    expect(withoutProvider(after)).toMatchObject({
      failoverState: "normal",
      replicationState: 3,
      connection: null,
    });
    // Failing over starts the two member VMs; reverting turns them off first. Health is read after each change.
    expect((await sim.calls()).map((c) => c.method)).toEqual([
      "InitiateFailover",
      "RequestStateChange",
      "RequestStateChange",
      "GetReplicationStatistics",
      "RequestStateChange",
      "RequestStateChange",
      "RevertFailover",
      "GetReplicationStatistics",
    ]);
    expect(plugin.stdout).toContain("[sql-cluster] RevertFailover done: Recovered (5) -> Replicating (3)");
    expect(server.passwordHashes.every((h) => h === sha256(PASSWORD))).toBe(true);

    const everything = [
      JSON.stringify(outs),
      JSON.stringify(after),
      ...plugin.stdout,
      ...plugin.stderr,
      provider,
      ...server.requests,
    ].join("\n");
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(PASSWORD).toString("base64"));
  });
});
