/**
 * schema.json describes everything the package exports: one resource per exported resource class and one function
 * per exported function (with its Output form), so a resource or function added to provider/index.ts without a
 * schema entry fails here, and the drift checks in schema.test.ts then compare each entry field by field.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import * as hvr from "../../provider/index";
import { REPO_ROOT } from "../harness/plugin";

const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  resources: Record<string, unknown>;
  functions: Record<string, unknown>;
};
const token = (name: string) => `hyperv-replica:index:${name}`;
const exported = Object.entries(hvr) as [string, unknown][];

describe("schema.json covers the package's exports", () => {
  it("has a resource for every exported resource class, and no other", () => {
    const classes = exported
      .filter(([, value]) => typeof value === "function" && value.prototype instanceof pulumi.Resource)
      .map(([name]) => name);
    expect(classes.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(schema.resources).sort()).toEqual(classes.map(token).sort());
  });

  it("has a function for every exported function, each with its Output form, and no other", () => {
    const functions = exported
      .filter(([, value]) => typeof value === "function" && !(value.prototype instanceof pulumi.Resource))
      .map(([name]) => name);
    const plain = functions.filter((name) => !name.endsWith("Output"));
    expect(plain.length).toBeGreaterThanOrEqual(1);
    expect(functions.sort()).toEqual([...plain, ...plain.map((name) => `${name}Output`)].sort());
    expect(Object.keys(schema.functions).sort()).toEqual(plain.map(token).sort());
  });
});
