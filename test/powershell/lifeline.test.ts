/**
 * The dynamic-provider plugin, with our runtime and warm PowerShell processes inside, leaves when its engine does:
 * the engine killed and its pipes closed, the plugin and every PowerShell process it started are gone.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { descendants } from "../../provider/powershell/processTree";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { isAlive, killAll } from "../harness/orphan";
import { makeProjectDir, Plugin, serializeProvider } from "../harness/plugin";
import type { CimServer } from "./cimServer";
import { startCimServer } from "./cimServer";
import { findPwsh, skipTitle, useFakeCimCmdlets } from "./pwsh";

const pwsh = findPwsh();
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe.skipIf(!pwsh.path)(skipTitle("a dynamic-provider plugin whose engine is killed", pwsh), () => {
  let server: CimServer;
  let project: string;
  const sim = new HyperVSimulator({ hostName: "hv-replica01" });

  beforeAll(async () => {
    await sim.addCollection({
      id: "6B0C1F4E-2A52-4C8E-9D41-0A7F3E1B9C10",
      name: "sql-cluster",
      members: ["a"],
    });
    server = await startCimServer(() => sim.session());
    useFakeCimCmdlets(server.url);
    project = makeProjectDir();
  });

  afterAll(async () => {
    await server?.close();
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it("exits, and takes its PowerShell processes with it", async () => {
    const plugin = await Plugin.start({ cwd: project, orphanable: true });
    await plugin.configure({
      "hyperv-replica:transport": "wsman",
      "hyperv-replica:host": "hv-replica01.contoso.com",
      "hyperv-replica:powershell": pwsh.path,
    });
    const provider = await serializeProvider(collectionFailoverProvider);
    const { inputs, failures } = await plugin.check(
      {},
      {
        collectionName: "sql-cluster",
        failoverState: "normal",
        __provider: provider,
      },
    );
    expect(failures).toEqual([]);
    const { outs } = await plugin.create(inputs);
    expect(outs.failoverState).toBe("normal");
    const children = await descendants(plugin.pid);
    expect(children.length).toBeGreaterThan(0);

    plugin.abandon();

    try {
      await vi.waitFor(() => expect([plugin.pid, ...children].filter(isAlive)).toEqual([]), {
        timeout: 20_000,
        interval: 200,
      });
    } finally {
      killAll([plugin.pid, ...children]);
    }
  });
});
