/**
 * The pipeline examples, parsed (js-yaml, as it comes with @pulumi/pulumi): the scheduled drill (a test failover up,
 * then destroyed) and the separate, manually approved real failover; what runs on every change, what runs on a
 * schedule or by hand, where, behind which approval, and with which settings.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DR_DRILL, DR_FAILOVER, loadYaml, parseYaml, PIPELINES } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML */
type Step = Record<string, any>;

const github = loadYaml(path.join(PIPELINES, "github-actions.yml")) as any;
const githubFailover = loadYaml(path.join(PIPELINES, "github-actions-failover.yml")) as any;
const azure = loadYaml(path.join(PIPELINES, "azure-pipelines.yml")) as any;
const azureFailover = loadYaml(path.join(PIPELINES, "azure-pipelines-failover.yml")) as any;

const STATES = ["normal", "failedOver", "committed"];
/** The collections a rehearsal seeds, as the example's Pulumi.rehearsal.yaml documents them. */
const seeded = (text: string) => [...text.matchAll(/--collection (\S+)/g)].map((m) => m[1]);
const documented = (example: string) =>
  seeded(fs.readFileSync(path.join(example, "Pulumi.rehearsal.yaml"), "utf8"));

const pulumiAction = (steps: Step[]) => steps.filter((s) => String(s.uses).startsWith("pulumi/actions@"));
/** What pulumi/actions' config-map sets, once GitHub has put the inputs in. */
const configMap = (step: Step, inputs: Record<string, string>) => {
  let text = String(step.with["config-map"]);
  text = text.replace("${{ inputs.recoveryPoint || 'latest' }}", inputs.recoveryPoint || "latest");
  text = text.replace("${{ inputs.failoverState }}", inputs.failoverState ?? "");
  return parseYaml(text) as any;
};
const commands = (steps: Step[]) =>
  pulumiAction(steps).map((s) => [s.with.command, s.with["stack-name"], s.with["work-dir"]]);

describe("examples/pipelines/github-actions.yml: the scheduled drill", () => {
  it("rehearses on every change, drills every Monday and on demand, with a recoveryPoint selector", () => {
    expect(Object.keys(github.on)).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
    expect(github.on.schedule).toEqual([{ cron: "0 6 * * 1" }]);
    expect(github.on.workflow_dispatch.inputs).toEqual({
      recoveryPoint: expect.objectContaining({ type: "string", default: "latest" }),
    });
    for (const job of ["rehearse", "rehearse-failover", "rehearse-sites"])
      expect(github.jobs[job].if).toBeUndefined();
  });

  it("rehearses the drill on the simulator: seeds with the CLI, brings the test failovers up, then destroys them", () => {
    const steps: Step[] = github.jobs.rehearse.steps;
    const seed = steps.find((s) => String(s.run).includes("hyperv-replica-sim init"));
    expect(seeded(seed!.run)).toEqual(documented(DR_DRILL));
    expect(commands(steps)).toEqual([
      ["up", "rehearsal", "examples/dr-drill"],
      ["destroy", "rehearsal", "examples/dr-drill"],
    ]);
    expect(steps.at(-3)!.run).toContain("hyperv-replica-sim calls");
  });

  it("rehearses the real failover and revert of dr-failover on the simulator too", () => {
    const steps: Step[] = github.jobs["rehearse-failover"].steps;
    const seed = steps.find((s) => String(s.run).includes("hyperv-replica-sim init"));
    expect(seeded(seed!.run)).toEqual(documented(DR_FAILOVER));
    expect(commands(steps)).toEqual([
      ["up", "rehearsal", "examples/dr-failover"],
      ["up", "rehearsal", "examples/dr-failover"],
    ]);
    expect(pulumiAction(steps).map((s) => configMap(s, {})["dr-failover:failoverState"].value)).toEqual([
      "failedOver",
      "normal",
    ]);
  });

  it("drills on Windows on a schedule or by hand: up, then destroy even when up failed, never beside a failover", () => {
    const drill = github.jobs.drill;
    expect(drill).toMatchObject({
      if: "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'",
      needs: ["rehearse"],
      environment: "hyperv-replica-drill",
      concurrency: { group: githubFailover.jobs.up.concurrency.group, "cancel-in-progress": false },
    });
    expect(drill["runs-on"]).toContain("windows");
    const [up, destroy] = pulumiAction(drill.steps);
    expect(commands(drill.steps)).toEqual([
      ["up", "${{ env.PRODUCTION_STACK }}", "examples/dr-drill"],
      ["destroy", "${{ env.PRODUCTION_STACK }}", "examples/dr-drill"],
    ]);
    expect(up!.with.refresh).toBe(true);
    expect(configMap(up!, {})).toEqual({ "dr-drill:recoveryPoint": { value: "latest", secret: false } });
    expect(configMap(up!, { recoveryPoint: "before:2026-11-27T08:00:00Z" })).toEqual({
      "dr-drill:recoveryPoint": { value: "before:2026-11-27T08:00:00Z", secret: false },
    });
    expect(destroy).toMatchObject({ if: "always()", with: { refresh: true } });
  });
});

describe("examples/pipelines/github-actions-failover.yml: the real failover, approved by hand", () => {
  it("runs only by hand, with failoverState as a choice and the commit confirmation", () => {
    expect(Object.keys(githubFailover.on)).toEqual(["workflow_dispatch"]);
    expect(githubFailover.on.workflow_dispatch.inputs.failoverState).toMatchObject({
      type: "choice",
      options: STATES,
      default: "normal",
    });
  });

  it("rehearses on the simulator, then previews the chosen failoverState on production", () => {
    expect(commands(githubFailover.jobs.rehearse.steps)).toEqual([
      ["up", "rehearsal", "examples/dr-failover"],
      ["up", "rehearsal", "examples/dr-failover"],
    ]);
    const [preview] = pulumiAction(githubFailover.jobs.preview.steps);
    expect(preview!.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ env.PRODUCTION_STACK }}",
      "work-dir": "examples/dr-failover",
    });
    expect(configMap(preview!, { failoverState: "committed" })).toEqual({
      "dr-failover:failoverState": { value: "committed", secret: false },
    });
  });

  it("runs pulumi up on Windows, behind the environment's approval, one at a time", () => {
    const up = githubFailover.jobs.up;
    expect(up).toMatchObject({
      needs: ["rehearse", "preview"],
      environment: "hyperv-replica-production",
      concurrency: { group: "hyperv-replica-production", "cancel-in-progress": false },
    });
    expect(up.if).toBeUndefined();
    expect(up["runs-on"]).toContain("windows");
    const [step] = pulumiAction(up.steps);
    expect(step!.with).toMatchObject({
      command: "up",
      "stack-name": "${{ env.PRODUCTION_STACK }}",
      "work-dir": "examples/dr-failover",
      refresh: true,
    });
    for (const state of STATES) {
      expect(configMap(step!, { failoverState: state })).toEqual({
        "dr-failover:failoverState": { value: state, secret: false },
      });
    }
  });

  it("refuses committed without the typed confirmation, before anything is previewed or approved", () => {
    const [guard] = githubFailover.jobs.preview.steps;
    expect(guard.if).toBe("inputs.failoverState == 'committed' && inputs.confirmCommit != 'COMMIT'");
    expect(guard.run).toContain("exit 1");
  });
});

const tasks = (steps: Step[]) => steps.filter((s) => s.task === "Pulumi@1");

describe("examples/pipelines/azure-pipelines.yml: the scheduled drill", () => {
  const [rehearse, drill] = azure.stages;

  it("rehearses on every change and pull request, and drills every Monday", () => {
    expect(azure.trigger.branches.include).toEqual(["main"]);
    expect(azure.pr.branches.include).toEqual(["main"]);
    expect(azure.schedules).toEqual([
      { cron: "0 6 * * 1", displayName: "Weekly DR drill", branches: { include: ["main"] }, always: true },
    ]);
    expect(azure.parameters).toEqual([expect.objectContaining({ name: "recoveryPoint", default: "latest" })]);
  });

  it("rehearses the drill (up, then destroy) and the real failover (failedOver, then normal) on the simulator", () => {
    const job = (name: string) => rehearse.jobs.find((j: Step) => j.job === name);
    const seed = job("rehearse").steps.find((s: Step) =>
      String(s.script).includes("hyperv-replica-sim init"),
    );
    expect(seeded(seed.script)).toEqual(documented(DR_DRILL));
    const inputs = (name: string) =>
      tasks(job(name).steps).map((s) => [s.inputs.command, s.inputs.cwd, s.inputs.stack, s.inputs.args]);
    expect(inputs("rehearse")).toEqual([
      ["up", "examples/dr-drill", "rehearsal", "--yes"],
      ["destroy", "examples/dr-drill", "rehearsal", "--yes"],
    ]);
    expect(inputs("rehearseFailover")).toEqual([
      ["up", "examples/dr-failover", "rehearsal", "--yes --config dr-failover:failoverState=failedOver"],
      ["up", "examples/dr-failover", "rehearsal", "--yes --config dr-failover:failoverState=normal"],
    ]);
  });

  it("drills on a Windows pool only on a schedule or by hand: up, then destroy even when up failed", () => {
    expect(drill).toMatchObject({
      stage: "Drill",
      dependsOn: "Rehearse",
      condition: "and(succeeded(), in(variables['Build.Reason'], 'Schedule', 'Manual'))",
    });
    const [deployment] = drill.jobs;
    expect(deployment).toMatchObject({
      deployment: "drill",
      environment: "hyperv-replica-drill",
      pool: { name: "hyperv-replica-windows" },
    });
    const [up, destroy] = tasks(deployment.strategy.runOnce.deploy.steps);
    expect(up!.inputs).toEqual({
      command: "up",
      cwd: "examples/dr-drill",
      stack: "$(productionStack)",
      args: "--yes --refresh --config dr-drill:recoveryPoint=${{ parameters.recoveryPoint }}",
    });
    expect(destroy).toMatchObject({
      condition: "always()",
      inputs: {
        command: "destroy",
        cwd: "examples/dr-drill",
        stack: "$(productionStack)",
        args: "--yes --refresh",
      },
    });
  });
});

describe("examples/pipelines/azure-pipelines-failover.yml: the real failover, approved by hand", () => {
  const [preview, upStage] = azureFailover.stages;

  it("runs only by hand, with failoverState as a parameter", () => {
    expect(azureFailover.trigger).toBe("none");
    expect(azureFailover.pr).toBe("none");
    expect(azureFailover.schedules).toBeUndefined();
    expect(azureFailover.parameters[0]).toMatchObject({
      name: "failoverState",
      default: "normal",
      values: STATES,
    });
  });

  it("rehearses on the simulator and previews the chosen failoverState on production", () => {
    const rehearse = preview.jobs.find((j: Step) => j.job === "rehearse");
    expect(tasks(rehearse.steps).map((s) => [s.inputs.command, s.inputs.stack, s.inputs.args])).toEqual([
      ["up", "rehearsal", "--yes --config dr-failover:failoverState=failedOver"],
      ["up", "rehearsal", "--yes --config dr-failover:failoverState=normal"],
    ]);
    const [task] = tasks(preview.jobs.find((j: Step) => j.job === "preview").steps);
    expect(task!.inputs).toEqual({
      command: "preview",
      cwd: "examples/dr-failover",
      stack: "$(productionStack)",
      args: "--config dr-failover:failoverState=${{ parameters.failoverState }}",
    });
  });

  it("runs pulumi up on a Windows pool, behind the environment's approval", () => {
    expect(upStage).toMatchObject({ stage: "Up", dependsOn: "Preview" });
    const [deployment] = upStage.jobs;
    expect(deployment).toMatchObject({
      deployment: "up",
      environment: "hyperv-replica-production",
      pool: { name: "hyperv-replica-windows" },
    });
    const [task] = tasks(deployment.strategy.runOnce.deploy.steps);
    expect(task!.inputs).toMatchObject({
      command: "up",
      cwd: "examples/dr-failover",
      stack: "$(productionStack)",
      args: "--yes --refresh --config dr-failover:failoverState=${{ parameters.failoverState }}",
    });
  });

  it("passes args the Pulumi task can split on spaces in both pipelines: no quoted values", () => {
    const args = [azure, azureFailover].flatMap((p) =>
      [...JSON.stringify(p).matchAll(/"args":"([^"]*)"/g)].map((m) => m[1]),
    );
    expect(args.length).toBeGreaterThanOrEqual(8);
    for (const a of args) expect(a).not.toMatch(/['\\]/);
  });
});

describe("the pipelines keep each run's reports (docs/reports.md)", () => {
  const linux = loadYaml(path.join(PIPELINES, "github-actions-linux-agent.yml")) as any;
  /** Every job that runs a Pulumi deployment (up or destroy): GitHub's and Azure's, deployment jobs included. */
  const githubJobs = [github, githubFailover, linux].flatMap(
    (p) => Object.entries(p.jobs) as [string, any][],
  );
  const azureJobs = [azure, azureFailover]
    .flatMap((p) => p.stages.flatMap((s: any) => s.jobs))
    .map((j: any) => [j.job ?? j.deployment, j.steps ?? j.strategy.runOnce.deploy.steps] as [string, Step[]]);
  const deploys = (steps: Step[]) =>
    steps.filter((s) => ["up", "destroy"].includes(s.with?.command ?? s.inputs?.command));
  const dirOf = (steps: Step[]) => {
    const [first] = deploys(steps);
    return String(first!.with?.["work-dir"] ?? first!.inputs?.cwd);
  };

  it("GitHub: after every deployment, even a failed one, prints the Markdown to the job summary and uploads the folder", () => {
    const jobs = githubJobs.filter(([, job]) => deploys(job.steps).length > 0);
    expect(jobs.map(([name]) => name).sort()).toEqual(
      ["drill", "rehearse", "rehearse-failover", "rehearse-sites", "rehearse", "up", "up"].sort(),
    );
    for (const [name, job] of jobs) {
      const steps: Step[] = job.steps;
      const print = steps.find((s) => s.name === "Print the reports to the job summary")!;
      const keep = steps.find((s) => s.name === "Keep the reports")!;
      expect(print.if).toBe("always()");
      expect(print["working-directory"]).toBe(dirOf(steps));
      expect(String(print.run)).toMatch(/dr-reports.*\.md.*GITHUB_STEP_SUMMARY/);
      expect(keep).toMatchObject({
        if: "always()",
        uses: "actions/upload-artifact@v4",
        with: { name: `dr-reports-${name}`, path: `${dirOf(steps)}/dr-reports/` },
      });
      expect(steps.indexOf(print)).toBeGreaterThan(steps.indexOf(deploys(steps).at(-1)!));
    }
  });

  it("Azure: after every deployment, uploads each Markdown summary (task.uploadsummary) and publishes the folder", () => {
    const jobs = azureJobs.filter(([, steps]) => deploys(steps).length > 0);
    expect(jobs.length).toBe(6);
    for (const [name, steps] of jobs) {
      const print = steps.find((s) => s.displayName === "Print the reports to the run's summary")!;
      const keep = steps.find((s) => s.displayName === "Keep the reports")!;
      expect(print.condition).toBe("always()");
      expect(String(print.bash ?? print.pwsh)).toContain("##vso[task.uploadsummary]");
      expect(keep).toMatchObject({
        condition: "always()",
        artifact: `dr-reports-${name}`,
        publish: `$(System.DefaultWorkingDirectory)/${dirOf(steps)}/dr-reports`,
      });
    }
  });
});
