/** examples/dr-sites and the pipelines' two-site rehearsal: seeded with init-pair, moved to west and back. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadYaml, parseYaml, PIPELINES } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML */
type Step = Record<string, any>;
const github = loadYaml(path.join(PIPELINES, "github-actions.yml")) as any;
const azure = loadYaml(path.join(PIPELINES, "azure-pipelines.yml")) as any;
const DR_SITES = path.join(PIPELINES, "..", "dr-sites");
/** The init-pair arguments Pulumi.rehearsal.yaml documents, to compare with what the pipelines run. */
const initPair = (text: string) =>
  /init-pair \S+ (.*)/s
    .exec(text)?.[1]
    ?.replace(/[\\#\s]+/g, " ")
    .trim();
const DOCUMENTED = initPair(
  fs.readFileSync(path.join(DR_SITES, "Pulumi.rehearsal.yaml"), "utf8").split("\nconfig:")[0] ?? "",
);

describe("the two-site rehearsal in the pipelines", () => {
  it("GitHub Actions seeds the pair as the stack file says, moves to west, then back to east", () => {
    const steps: Step[] = github.jobs["rehearse-sites"].steps;
    const seed = steps.find((s) => String(s.run).includes("init-pair"));
    expect(initPair(String(seed?.run))?.replace(/ && .*/, "")).toBe(DOCUMENTED);
    const ups = steps.filter((s) => String(s.uses).startsWith("pulumi/actions@"));
    expect(ups.map((s) => [s.with.command, s.with["work-dir"], parseYaml(s.with["config-map"])])).toEqual(
      ["west", "east"].map((site) => [
        "up",
        "examples/dr-sites",
        {
          "dr-sites:activeSite": { value: site, secret: false },
          "dr-sites:rehearsal": { value: "true", secret: false },
        },
      ]),
    );
  });

  it("Azure Pipelines does the same in the Preview stage", () => {
    const job = azure.stages[0].jobs.find((j: Step) => j.job === "rehearseSites");
    const seed = job.steps.find((s: Step) => String(s.script).includes("init-pair"));
    expect(initPair(String(seed.script))?.replace(/ && .*/, "")).toBe(DOCUMENTED);
    const tasks = job.steps.filter((s: Step) => s.task === "Pulumi@1");
    expect(tasks.map((s: Step) => [s.inputs.command, s.inputs.cwd, s.inputs.args])).toEqual([
      ["up", "examples/dr-sites", "--yes --config dr-sites:activeSite=west --config dr-sites:rehearsal=true"],
      ["up", "examples/dr-sites", "--yes --config dr-sites:activeSite=east --config dr-sites:rehearsal=true"],
    ]);
  });
});
