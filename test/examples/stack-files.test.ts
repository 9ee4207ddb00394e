/**
 * The dr-drill project and stack files, read as the engine reads them and checked by the provider's own config
 * reader and input validator: what `pulumi preview` would report for them, without the CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readProviderConfig } from "../../provider/runtime/connection";
import { validateInputs } from "../../provider/resources/collectionFailover/validate";
import { requireBuild } from "../cli/run";
import { DR_DRILL, linkPackageIntoExample, loadYaml, runProgram, stackConfig } from "./support";

beforeAll(() => {
  requireBuild();
  linkPackageIntoExample();
});

describe("examples/dr-drill project and stack files", () => {
  it("Pulumi.yaml declares the TypeScript project and failoverState, defaulting to normal", () => {
    expect(loadYaml(path.join(DR_DRILL, "Pulumi.yaml"))).toMatchObject({
      name: "dr-drill",
      runtime: { name: "nodejs" },
      config: { failoverState: { type: "string", default: "normal" } },
    });
  });

  it("package.json depends on the package by path and on @pulumi/pulumi", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(DR_DRILL, "package.json"), "utf8"));
    expect(pkg.main).toBe("index.ts");
    expect(pkg.dependencies).toEqual({
      "@pulumi/pulumi": expect.any(String),
      "pulumi-hyperv-replica": "file:../..",
    });
  });

  it("rehearsal: the simulator transport with a state file inside the project", () => {
    expect(stackConfig("rehearsal")).toEqual({
      "dr-drill:failoverState": "normal",
      "hyperv-replica:transport": "simulator",
      "hyperv-replica:simulatorStateFile": ".rehearsal/cluster.json",
    });
  });

  it("production: wsman over HTTPS with Kerberos, and no password in the file", () => {
    const text = fs.readFileSync(path.join(DR_DRILL, "Pulumi.production.yaml"), "utf8");
    expect(stackConfig("production")).toEqual({
      "dr-drill:failoverState": "normal",
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
      const config = { ...stackConfig(stack), ...afterSetUp[stack] };
      const fromConfig = readProviderConfig((key) => config[key]);
      expect(fromConfig.failures).toEqual([]);
      const { registered } = await runProgram(config);
      expect(registered).toHaveLength(2);
      for (const { inputs } of registered) {
        expect(validateInputs(inputs, fromConfig.connection, fromConfig.failures)).toEqual([]);
      }
    },
  );

  it("production before the password is set: check says which key is missing and how to set it", async () => {
    const config = stackConfig("production");
    const fromConfig = readProviderConfig((key) => config[key]);
    const { registered } = await runProgram(config);
    for (const { inputs } of registered) {
      expect(validateInputs(inputs, fromConfig.connection, fromConfig.failures)).toEqual([
        {
          property: "connection.password",
          reason:
            "missing: a username needs its password (set hyperv-replica:password as secret config), or leave the username out to connect as the current identity",
        },
      ]);
    }
  });

  it("production with a secret password: the provider takes it from config (the engine decrypts it)", () => {
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
