/** The Linux-agent variant of the GitHub failover pipeline: the manual, approved `pulumi up` over the ssh transport. */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadYaml, parseYaml, PIPELINES } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML */
const linux = loadYaml(path.join(PIPELINES, "github-actions-linux-agent.yml")) as any;
const steps: any[] = linux.jobs.up.steps;
const up = steps.find((s) => String(s.uses).startsWith("pulumi/actions@"));

describe("examples/pipelines/github-actions-linux-agent.yml", () => {
  it("runs pulumi up only by hand, on a Linux runner, behind the environment's approval, one at a time", () => {
    expect(Object.keys(linux.on)).toEqual(["workflow_dispatch"]);
    expect(linux.jobs.up).toMatchObject({
      "runs-on": ["self-hosted", "linux", "hyperv-replica"],
      environment: "hyperv-replica-production",
      concurrency: { group: "hyperv-replica-production", "cancel-in-progress": false },
    });
    expect(up.with).toMatchObject({
      command: "up",
      "stack-name": "${{ env.PRODUCTION_STACK }}",
      "work-dir": "examples/dr-failover",
      refresh: true,
    });
  });

  it("connects over ssh with the key from a secret and the pinned host key, and removes the key afterwards", () => {
    const config = parseYaml(
      String(up.with["config-map"]).replace("${{ inputs.failoverState }}", "failedOver"),
    ) as Record<string, { value: string; secret: boolean }>;
    expect(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]))).toEqual({
      "dr-failover:failoverState": "failedOver",
      "hyperv-replica:transport": "ssh",
      "hyperv-replica:host": "${{ vars.HYPERV_REPLICA_HOST }}",
      "hyperv-replica:username": "${{ vars.HYPERV_REPLICA_SSH_USER }}",
      "hyperv-replica:sshKeyFile": "${{ env.SSH_KEY_FILE }}",
      "hyperv-replica:sshHostKeyFingerprint": "${{ vars.HYPERV_REPLICA_HOST_KEY }}",
    });
    const key = steps.find((s) => s.env?.KEY);
    expect(key.env.KEY).toBe("${{ secrets.HYPERV_REPLICA_SSH_KEY }}");
    expect(key.run).toContain("umask 077");
    expect(key.run).toContain('echo "SSH_KEY_FILE=$RUNNER_TEMP/hyperv-replica-key" >> "$GITHUB_ENV"');
    expect(steps.indexOf(key)).toBeLessThan(steps.indexOf(up));
    expect(steps.at(-1)).toEqual({
      name: "Remove the SSH key",
      if: "always()",
      run: 'rm -f "$SSH_KEY_FILE"',
    });
  });

  it("has PowerShell 7 and the OpenSSH client on the runner before pulumi up", () => {
    const tools = steps.find((s) => s.name === "PowerShell 7 and the OpenSSH client");
    expect(tools.run).toContain("dotnet tool install --global PowerShell --version 7.6.9");
    expect(tools.run).toContain("command -v ssh-keyscan");
    expect(steps.indexOf(tools)).toBeLessThan(steps.indexOf(up));
  });
});
