/**
 * Every example pipeline job that changes a host (a pulumi up or destroy, simulated or real) runs
 * `hyperv-replica doctor` first: a read-only preflight that stops the job before pulumi when a check fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadYaml, PIPELINES } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML */
type Step = Record<string, any>;

const isPulumi = (s: Step) => String(s.uses).startsWith("pulumi/actions@") || s.task === "Pulumi@1";
const command = (s: Step) => String(s.with?.command ?? s.inputs?.command);
const isDoctor = (s: Step) => /npx hyperv-replica doctor /.test(String(s.run ?? s.script ?? ""));

/** Each job's steps, by job name, for GitHub Actions and Azure Pipelines alike. */
function jobs(pipeline: any): [string, Step[]][] {
  if (pipeline.jobs)
    return Object.entries(pipeline.jobs).map(([name, job]: [string, any]) => [name, job.steps]);
  return pipeline.stages.flatMap((stage: any) =>
    stage.jobs.map((job: any) => [job.job ?? job.deployment, job.steps ?? job.strategy.runOnce.deploy.steps]),
  );
}

const files = fs.readdirSync(PIPELINES).filter((f) => f.endsWith(".yml"));

describe.each(files)("examples/pipelines/%s", (file) => {
  const pipeline = loadYaml(path.join(PIPELINES, file));
  const acting = jobs(pipeline).filter(([, steps]) =>
    steps.some((s) => isPulumi(s) && ["up", "destroy"].includes(command(s))),
  );

  it("runs doctor before the first pulumi step of every job that changes a host", () => {
    expect(acting.length).toBeGreaterThan(0);
    for (const [name, steps] of acting) {
      const doctor = steps.findIndex(isDoctor);
      const pulumi = steps.findIndex(isPulumi);
      expect({ name, doctorFirst: doctor >= 0 && doctor < pulumi }).toEqual({ name, doctorFirst: true });
    }
  });
});
