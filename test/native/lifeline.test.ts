/**
 * The native plugin leaves when its engine does: killed under it, with its output pipes closed, the plugin exits
 * by itself instead of living on as an orphan.
 */
import { describe, expect, it, vi } from "vitest";
import { NativePlugin } from "../harness/nativePlugin";
import { isAlive, killAll } from "../harness/orphan";
import { useNativePlugins } from "./fixtures";

const f = useNativePlugins();

describe("a native plugin whose engine is killed", () => {
  it("exits by itself", async () => {
    const plugin = await NativePlugin.start({ engine: f.engine, cwd: f.dir, orphanable: true });
    expect(await plugin.getPluginVersion()).toBe("0.1.0");
    expect(isAlive(plugin.pid)).toBe(true);

    plugin.abandon();

    try {
      await vi.waitFor(() => expect(isAlive(plugin.pid)).toBe(false), { timeout: 15_000, interval: 100 });
    } finally {
      killAll([plugin.pid]);
    }
  });
});
