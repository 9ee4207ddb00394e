/**
 * Secrets in every language: a password a Python, Go, C# or YAML program gives as a literal reaches the plugin
 * plain, and must still be stored secret. The plugin accepts secrets, marks every password secret in what it sends
 * back (the inputs the engine stores, and the provider's own config), and keeps secret what arrived secret.
 */
import { describe, expect, it } from "vitest";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import { pb, Struct } from "../../provider/doors/native/rpc";
import { urnOf } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins } from "./fixtures";

const f = useNativePlugins();
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET, value });
const PASSWORD = "Literal-'P@ss'-in-YAML";

const struct = (value: Record<string, unknown>) => Struct.fromJavaScript(value as never);

describe("passwords sent back to the engine", () => {
  it("are secret in CheckConfig's inputs, given as a literal", async () => {
    const plugin = await f.start();
    const r = await plugin.rpc<ProviderPb.CheckResponse>(
      "checkConfig",
      new pb.CheckRequest()
        .setUrn(urnOf("pulumi:providers:hyperv-replica", "site-b"))
        .setNews(struct({ transport: "wsman", host: "hv-replica01.contoso.com", password: PASSWORD })),
    );
    expect(r.getInputs()?.toJavaScript()).toEqual({
      transport: "wsman",
      host: "hv-replica01.contoso.com",
      password: secret(PASSWORD),
    });
  });

  it("are secret in Check's inputs, nested in a connection, while the host stays readable", async () => {
    const plugin = await f.pluginFor("secrets.json");
    const news = {
      collectionId: SQL,
      failoverState: "normal",
      connection: {
        transport: "wsman",
        host: "hv-replica01.contoso.com",
        username: "dr",
        password: PASSWORD,
      },
    };
    const r = await plugin.rpc<ProviderPb.CheckResponse>(
      "check",
      new pb.CheckRequest().setUrn(urnOf(TYPE, "sql")).setOlds(struct({})).setNews(struct(news)),
    );
    expect(r.getFailuresList()).toEqual([]);
    expect(r.getInputs()?.toJavaScript()).toMatchObject({
      connection: {
        transport: "wsman",
        host: "hv-replica01.contoso.com",
        username: "dr",
        password: secret(PASSWORD),
      },
    });
  });

  it("keep secret what arrived secret, in Check's inputs and in Create's outputs", async () => {
    await f.simulator("marked.json", [{ id: SQL, name: "sql-cluster" }], 50);
    const plugin = await f.pluginFor("marked.json");
    const news = { collectionName: secret("sql-cluster"), failoverState: "normal" };
    const checked = await plugin.rpc<ProviderPb.CheckResponse>(
      "check",
      new pb.CheckRequest().setUrn(urnOf(TYPE, "sql")).setOlds(struct({})).setNews(struct(news)),
    );
    expect(checked.getInputs()?.toJavaScript()).toMatchObject({ collectionName: secret("sql-cluster") });

    const created = await plugin.rpc<ProviderPb.CreateResponse>(
      "create",
      new pb.CreateRequest().setUrn(urnOf(TYPE, "sql")).setProperties(checked.getInputs()),
    );
    const outs = created.getProperties()?.toJavaScript() as Record<string, unknown>;
    expect(outs.collectionName).toEqual(secret("sql-cluster"));
    expect(outs.failoverState).toBe("normal");
    expect(JSON.stringify(outs)).not.toContain(PASSWORD);
    expect(outs.collectionId).toBe(SQL);
  });
});
