import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pruneStale } from "./compileCache";

const DAY_MS = 24 * 60 * 60 * 1000;
let cache: string;

afterEach(() => rmSync(cache, { recursive: true, force: true }));

/** A cache entry last written `ageMs` ago. */
function entry(version: string, name: string, ageMs: number): string {
  const folder = join(cache, version);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, name);
  writeFileSync(file, "code cache");
  const at = new Date(Date.now() - ageMs);
  utimesSync(file, at, at);
  return file;
}

describe("the suite's compile cache, before a run", () => {
  it("loses the entries written more than three days ago, and the folder of a Node.js version left empty", () => {
    cache = mkdtempSync(join(tmpdir(), "hvr-compile-cache-"));
    const fresh = entry("v24.22.3-x64-0", "fresh", 2 * DAY_MS);
    const stale = entry("v24.22.3-x64-0", "stale", 4 * DAY_MS);
    const oldVersion = entry("v22.1.0-x64-0", "stale", 30 * DAY_MS);

    pruneStale(cache);

    expect([existsSync(fresh), existsSync(stale), existsSync(oldVersion)]).toEqual([true, false, false]);
    expect(existsSync(join(cache, "v22.1.0-x64-0"))).toBe(false);
  });
});
