/**
 * The dynamic provider object. Pulumi serializes it into the stack as JavaScript text and runs it in a separate
 * plugin process, so it captures nothing: each method loads the package's runtime by name inside the plugin, where
 * the Pulumi project's node_modules resolves it. Only types are imported here.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { Runtime } from "../../doors/dynamic";

export const replicatedCollectionProvider: dynamic.ResourceProvider = {
  async configure(req) {
    const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
    rt.configure((key) => req.config.get(key));
  },
  async check(olds, news) {
    const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
    return rt.resources.ReplicatedCollection.check(olds, news);
  },
  async diff(id, olds, news) {
    const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
    return rt.resources.ReplicatedCollection.diff(id, olds, news);
  },
  async create(inputs) {
    const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
    return rt.resources.ReplicatedCollection.create(inputs);
  },
  async read(id, props) {
    const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
    return rt.resources.ReplicatedCollection.read(id, props ?? {});
  },
  async update(id, olds, news) {
    const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
    return rt.resources.ReplicatedCollection.update(id, olds, news);
  },
  async delete(id, props) {
    const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
    return rt.resources.ReplicatedCollection.delete(id, props);
  },
};
