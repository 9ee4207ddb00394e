import { describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import { replicatedCollectionProvider } from "../../provider/resources/replicatedCollection/provider";
import { vmGroupProvider } from "../../provider/resources/vmGroup/provider";
import { serializeProvider } from "../harness/plugin";

describe("the serialized provider", () => {
  it("is small and loads only the package's runtime, by name", async () => {
    const text = await serializeProvider(collectionFailoverProvider);
    const requires = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))];
    expect(requires).toEqual(["pulumi-hyperv-replica/runtime"]);
    expect(text.length).toBeLessThan(4_000);
  });

  it("holds no absolute path, so it runs wherever the package is installed", async () => {
    const text = await serializeProvider(collectionFailoverProvider);
    expect(text).not.toContain(process.cwd());
    expect(text).not.toMatch(/\/(work|home|tmp|Users)\//);
  });

  it("carries its resource type, so one shared object serves every resource", async () => {
    const types = async (p: Parameters<typeof serializeProvider>[0]) => {
      const text = await serializeProvider(p);
      return [...new Set([...text.matchAll(/type: "(\w+)"/g)].map((m) => m[1]))];
    };
    expect(await types(collectionFailoverProvider)).toEqual(["CollectionFailover"]);
    expect(await types(collectionTestFailoverProvider)).toEqual(["CollectionTestFailover"]);
    expect(await types(replicatedCollectionProvider)).toEqual(["ReplicatedCollection"]);
    expect(await types(vmGroupProvider)).toEqual(["VmGroup"]);
  });
});
