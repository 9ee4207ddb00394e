/**
 * The pipeline examples, parsed (js-yaml, as it comes with @pulumi/pulumi): what runs on every change, what runs on
 * a manual run, where, behind which approval, and with which failoverState.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DR_DRILL, loadYaml, parseYaml, PIPELINES } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML */
type Step = Record<string, any>;

const github = loadYaml(path.join(PIPELINES, "github-actions.yml")) as any;
const azure = loadYaml(path.join(PIPELINES, "azure-pipelines.yml")) as any;

const STATES = ["normal", "failedOver", "committed"];
/** The collections the rehearsal seeds, as Pulumi.rehearsal.yaml documents them. */
const seeded = (text: string) => [...text.matchAll(/--collection (\S+)/g)].map((m) => m[1]);
const REHEARSAL_COLLECTIONS = seeded(fs.readFileSync(path.join(DR_DRILL, "Pulumi.rehearsal.yaml"), "utf8"));

const pulumiAction = (steps: Step[]) => steps.filter((s) => String(s.uses).startsWith("pulumi/actions@"));
/** What pulumi/actions' config-map sets, once GitHub has put the input in. */
const configMap = (step: Step, failoverState: string) =>
  parseYaml(String(step.with["config-map"]).replace("${{ inputs.failoverState }}", failoverState)) as any;

describe("examples/pipelines/github-actions.yml", () => {
  it("previews and rehearses on every pull request and push, and offers failoverState as a manual choice", () => {
    expect(Object.keys(github.on)).toEqual(["pull_request", "push", "workflow_dispatch"]);
    expect(github.on.workflow_dispatch.inputs.failoverState).toMatchObject({
      type: "choice",
      options: STATES,
      default: "normal",
    });
    expect(github.jobs.preview.if).toBeUndefined();
    expect(github.jobs.rehearse.if).toBeUndefined();
  });

  it("rehearses on the simulator: seeds with the CLI, fails over, then reverts", () => {
    const steps: Step[] = github.jobs.rehearse.steps;
    const seed = steps.find((s) => String(s.run).includes("hyperv-replica-sim init"));
    expect(seeded(seed!.run)).toEqual(REHEARSAL_COLLECTIONS);
    const ups = pulumiAction(steps);
    expect(ups.map((s) => [s.with.command, s.with["stack-name"], s.with["work-dir"]])).toEqual([
      ["up", "rehearsal", "examples/dr-drill"],
      ["up", "rehearsal", "examples/dr-drill"],
    ]);
    expect(ups.map((s) => configMap(s, "")["dr-drill:failoverState"].value)).toEqual([
      "failedOver",
      "normal",
    ]);
    expect(steps.at(-1)!.run).toContain("hyperv-replica-sim calls");
  });

  it("previews production: the stack file's choice on changes, the chosen one on a manual run", () => {
    const previews = pulumiAction(github.jobs.preview.steps);
    expect(previews.map((s) => [s.if, s.with.command, s.with["stack-name"]])).toEqual([
      ["github.event_name != 'workflow_dispatch'", "preview", "${{ env.PRODUCTION_STACK }}"],
      ["github.event_name == 'workflow_dispatch'", "preview", "${{ env.PRODUCTION_STACK }}"],
    ]);
    expect(previews[0]!.with["config-map"]).toBeUndefined();
    expect(configMap(previews[1]!, "committed")).toEqual({
      "dr-drill:failoverState": { value: "committed", secret: false },
    });
  });

  it("runs pulumi up only on a manual run, on Windows, behind the environment's approval, one at a time", () => {
    const up = github.jobs.up;
    expect(up).toMatchObject({
      if: "github.event_name == 'workflow_dispatch'",
      needs: ["rehearse", "preview"],
      environment: "hyperv-replica-production",
      concurrency: { group: "hyperv-replica-production", "cancel-in-progress": false },
    });
    expect(up["runs-on"]).toContain("windows");
    const [step] = pulumiAction(up.steps);
    expect(step!.with).toMatchObject({
      command: "up",
      "stack-name": "${{ env.PRODUCTION_STACK }}",
      refresh: true,
    });
    for (const state of STATES) {
      expect(configMap(step!, state)).toEqual({ "dr-drill:failoverState": { value: state, secret: false } });
    }
  });

  it("refuses committed without the typed confirmation, before anything is previewed or approved", () => {
    const [guard] = github.jobs.preview.steps;
    expect(guard.if).toBe("inputs.failoverState == 'committed' && inputs.confirmCommit != 'COMMIT'");
    expect(guard.run).toContain("exit 1");
  });
});

describe("examples/pipelines/azure-pipelines.yml", () => {
  const [preview, upStage] = azure.stages;
  const tasks = (steps: Step[]) => steps.filter((s) => s.task === "Pulumi@1");

  it("runs on every change and pull request, and offers failoverState as a parameter", () => {
    expect(azure.trigger.branches.include).toEqual(["main"]);
    expect(azure.pr.branches.include).toEqual(["main"]);
    expect(azure.parameters[0]).toMatchObject({ name: "failoverState", default: "normal", values: STATES });
  });

  it("rehearses on the simulator: seeds with the CLI, fails over, then reverts", () => {
    const rehearse = preview.jobs.find((j: Step) => j.job === "rehearse");
    const seed = rehearse.steps.find((s: Step) => String(s.script).includes("hyperv-replica-sim init"));
    expect(seeded(seed.script)).toEqual(REHEARSAL_COLLECTIONS);
    expect(tasks(rehearse.steps).map((s) => [s.inputs.command, s.inputs.stack, s.inputs.args])).toEqual([
      ["up", "rehearsal", "--yes --config dr-drill:failoverState=failedOver"],
      ["up", "rehearsal", "--yes --config dr-drill:failoverState=normal"],
    ]);
  });

  it("previews production on every run", () => {
    const job = preview.jobs.find((j: Step) => j.job === "preview");
    const [task] = tasks(job.steps);
    expect(task!.inputs).toMatchObject({ command: "preview", stack: "$(productionStack)" });
  });

  it("runs pulumi up only on a manual run, on a Windows pool, behind the environment's approval", () => {
    expect(upStage).toMatchObject({
      stage: "Up",
      dependsOn: "Preview",
      condition: "and(succeeded(), eq(variables['Build.Reason'], 'Manual'))",
    });
    const [deployment] = upStage.jobs;
    expect(deployment).toMatchObject({
      deployment: "up",
      environment: "hyperv-replica-production",
      pool: { name: "hyperv-replica-windows" },
    });
    const [task] = tasks(deployment.strategy.runOnce.deploy.steps);
    expect(task!.inputs).toMatchObject({
      command: "up",
      stack: "$(productionStack)",
      args: "--yes --refresh --config dr-drill:failoverState=${{ parameters.failoverState }}",
    });
  });

  it("passes args the Pulumi task can split on spaces: no quoted values", () => {
    const all = JSON.stringify(azure);
    const args = [...all.matchAll(/"args":"([^"]*)"/g)].map((m) => m[1]);
    expect(args.length).toBeGreaterThanOrEqual(4);
    for (const a of args) expect(a).not.toMatch(/['\\]/);
  });
});
