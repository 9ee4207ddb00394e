/**
 * The dr-drill and dr-failover project and stack files, read as the engine reads them and checked by the provider's
 * own config reader and input validators: what `pulumi preview` would report for them, without the CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readProviderConfig } from "../../provider/runtime/connection";
import { validateInputs } from "../../provider/resources/collectionFailover/validate";
import { validateTestFailoverInputs } from "../../provider/resources/collectionTestFailover/validate";
import { requireBuild } from "../cli/run";
import { DR_DRILL, DR_FAILOVER, linkPackageIntoExample, loadYaml, runProgram, stackConfig } from "./support";

interface Example {
  readonly name: string;
  readonly dir: string;
  readonly validate: typeof validateInputs;
  readonly settings: Record<string, string>;
  readonly run: Record<string, string>;
  readonly project: Record<string, unknown>;
}

const EXAMPLES: Example[] = [
  {
    name: "dr-drill",
    dir: DR_DRILL,
    validate: validateTestFailoverInputs,
    settings: { "dr-drill:recoveryPoint": "latest" },
    // Listing recovery points reads the cluster as the program runs; these runs have none.
    run: { "dr-drill:listRecoveryPoints": "false" },
    project: {
      config: {
        recoveryPoint: { type: "string", default: "latest" },
        requireHealthy: { type: "boolean", default: true },
        listRecoveryPoints: { type: "boolean", default: true },
      },
    },
  },
  {
    name: "dr-failover",
    dir: DR_FAILOVER,
    validate: validateInputs,
    settings: { "dr-failover:failoverState": "normal" },
    run: {},
    project: { config: { failoverState: { type: "string", default: "normal" } } },
  },
];

beforeAll(() => {
  requireBuild();
  for (const { dir } of EXAMPLES) linkPackageIntoExample(dir);
});

describe.each(EXAMPLES)(
  "examples/$name project and stack files",
  ({ name, dir, validate, settings, run, project }) => {
    it("Pulumi.yaml declares the TypeScript project and its settings with their defaults", () => {
      expect(loadYaml(path.join(dir, "Pulumi.yaml"))).toMatchObject({
        name,
        runtime: { name: "nodejs" },
        ...project,
      });
    });

    it("package.json depends on the package by path and on @pulumi/pulumi", () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      expect(pkg.main).toBe("index.ts");
      expect(pkg.dependencies).toEqual({
        "@pulumi/pulumi": expect.any(String),
        "pulumi-hyperv-replica": "file:../..",
      });
    });

    it("rehearsal: the simulator transport with a state file inside the project", () => {
      expect(stackConfig("rehearsal", dir)).toEqual({
        ...settings,
        "hyperv-replica:transport": "simulator",
        "hyperv-replica:simulatorStateFile": ".rehearsal/cluster.json",
      });
    });

    it("production: wsman over HTTPS with Kerberos, and no password in the file", () => {
      const text = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
      expect(stackConfig("production", dir)).toEqual({
        ...settings,
        "hyperv-replica:transport": "wsman",
        "hyperv-replica:host": "hv-replica01.contoso.com",
        "hyperv-replica:useSsl": "true",
        "hyperv-replica:authentication": "Kerberos",
        "hyperv-replica:username": "CONTOSO\\svc-dr-pulumi",
      });
      expect(text).toContain("pulumi config set --secret hyperv-replica:password --stack production");
    });

    // `pulumi config set --secret hyperv-replica:password` is the operator's step for production; the engine then
    // hands the decrypted value to the provider with the rest of the stack config.
    const afterSetUp: Record<string, Record<string, string>> = {
      rehearsal: {},
      production: { "hyperv-replica:password": "set-with-pulumi-config-set--secret" },
    };

    it.each(["rehearsal", "production"])(
      "%s: the provider accepts the stack config and every resource the program registers with it",
      async (stack) => {
        const config = { ...stackConfig(stack, dir), ...afterSetUp[stack] };
        const fromConfig = readProviderConfig((key) => config[key]);
        expect(fromConfig.failures).toEqual([]);
        const { registered } = await runProgram({ ...config, ...run }, dir);
        expect(registered).toHaveLength(2);
        for (const { inputs } of registered) {
          expect(validate(inputs, fromConfig.connection, fromConfig.failures)).toEqual([]);
        }
      },
    );

    it("production before the password is set: check says which key is missing and how to set it", async () => {
      const config = stackConfig("production", dir);
      const fromConfig = readProviderConfig((key) => config[key]);
      const { registered } = await runProgram({ ...config, ...run }, dir);
      for (const { inputs } of registered) {
        expect(validate(inputs, fromConfig.connection, fromConfig.failures)).toEqual([
          {
            property: "connection.password",
            reason:
              "missing: a username needs its password (set hyperv-replica:password as secret config), or leave the username out to connect as the current identity",
          },
        ]);
      }
    });
  },
);

describe("the production connection", () => {
  it("with a secret password: the provider takes it from config (the engine decrypts it)", () => {
    const config: Record<string, string> = {
      ...stackConfig("production"),
      "hyperv-replica:password": "from-pulumi-config-set--secret",
    };
    const fromConfig = readProviderConfig((key) => config[key]);
    expect(fromConfig.failures).toEqual([]);
    expect(fromConfig.connection).toEqual({
      transport: "wsman",
      host: "hv-replica01.contoso.com",
      useSsl: true,
      authentication: "Kerberos",
      username: "CONTOSO\\svc-dr-pulumi",
      password: "from-pulumi-config-set--secret",
    });
  });
});
