/**
 * Text that cannot travel as UTF-8 (a lone UTF-16 surrogate) is refused at Check, naming the property, before
 * anything reaches the host: passed on, it would make the PowerShell request unreadable, or be dropped on the way
 * and change which collection a name matches. The plugin receives it as an engine may send it, as the bytes of a
 * lone surrogate.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import { tokenOf } from "../../provider/doors/native/provider";
import { fromStruct, pb, toStruct } from "../../provider/doors/native/rpc";
import type { HyperVSimulator } from "../../provider/simulator";
import type { NativePlugin } from "../harness/nativePlugin";
import { urnOf, withLoneSurrogates } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins } from "./fixtures";

const f = useNativePlugins();
/** Sent as the lone surrogate "a\ud800b" (see withLoneSurrogates). */
const SENT = "a\u0800b";
const REASON =
  "holds a lone UTF-16 surrogate (U+D800 at character 2), which is not text and cannot be sent as UTF-8; type the value again without it";
let sim: HyperVSimulator;
let plugin: NativePlugin;

beforeAll(async () => {
  sim = await f.simulator("unsendable.json", [{ id: SQL, name: "sql-cluster" }], 50);
  plugin = await f.pluginFor("unsendable.json");
});

async function check(type: string, news: Record<string, unknown>) {
  const request = new pb.CheckRequest()
    .setUrn(urnOf(type, "x"))
    .setOlds(toStruct({}))
    .setNews(toStruct(news));
  const r = await plugin.rpc<ProviderPb.CheckResponse>("check", withLoneSurrogates(request));
  return {
    inputs: fromStruct(r.getInputs()),
    failures: r.getFailuresList().map((x) => ({ property: x.getProperty(), reason: x.getReason() })),
  };
}

async function hostUntouched() {
  expect(await sim.calls()).toEqual([]);
  expect(await sim.reads()).toEqual([]);
}

describe('"a\\ud800b" is refused at Check, naming the property, and nothing is called', () => {
  it.each([
    [TYPE, { collectionName: SENT, failoverState: "failedOver" }, "collectionName"],
    [TYPE, { collectionId: SQL, failoverState: "failedOver", recoveryPoint: SENT }, "recoveryPoint"],
    [
      TYPE,
      { collectionId: SQL, failoverState: "failedOver", connection: { transport: "wsman", host: SENT } },
      "connection.host",
    ],
    [tokenOf("CollectionTestFailover"), { collectionName: SENT }, "collectionName"],
  ])("%s: %j", async (type, news, property) => {
    const checked = await check(type, news);
    expect(checked.failures).toEqual([{ property, reason: REASON }]);
    await hostUntouched();
  });

  it("getRecoveryPoints through Invoke", async () => {
    const request = new pb.InvokeRequest()
      .setTok("hyperv-replica:index:getRecoveryPoints")
      .setArgs(toStruct({ collectionName: SENT }));
    const response = await plugin.rpc<ProviderPb.InvokeResponse>("invoke", withLoneSurrogates(request));
    expect(response.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
      ["collectionName", REASON],
    ]);
    await hostUntouched();
  });

  it("the same request sent as plain UTF-8 (U+0800) passes Check: only the surrogate is refused", async () => {
    const news = { collectionName: SENT, failoverState: "failedOver" };
    expect((await plugin.check(urnOf(TYPE, "x"), {}, news)).failures).toEqual([]);
  });
});
