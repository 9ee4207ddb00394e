/** What a failed two-site run adds to its message when no site runs the whole group any more. */
import { describe, expect, it } from "vitest";
import type { SiteRead } from "../../../provider/failover/sites/observe";
import { groupDownNote } from "../../../provider/failover/sites/groupDown";

const site = (states: Record<string, number>): SiteRead =>
  ({
    reachable: true,
    reading: { members: Object.entries(states).map(([name, enabledState]) => ({ name, enabledState })) },
  }) as unknown as SiteRead;
const UNREAD: SiteRead = { reachable: false, error: "WinRM cannot complete the operation" };
const NOTE =
  "once the cause is dealt with, run again to carry on towards activeSite 'west'; the run waits first for any job still running, then takes the steps left";

describe("groupDownNote", () => {
  it.each([
    ["a site runs every VM", { east: site({ a: 2, b: 2 }), west: site({ a: 3, b: 3 }) }, 3, undefined],
    ["nothing was called", { east: site({ a: 3, b: 3 }), west: site({ a: 3, b: 3 }) }, 0, undefined],
    ["the sites were not read again", undefined, 3, undefined],
    [
      "no site runs every VM",
      { east: site({ a: 3, b: 2 }), west: site({ a: 3, b: 3 }) },
      3,
      `No site runs every VM of the group now (east: a Off, b Running; west: a Off, b Off): ${NOTE}`,
    ],
    [
      "a site could not be read, and the other runs part of the group",
      { east: UNREAD, west: site({ a: 2, b: 10 }) },
      1,
      `No site runs every VM of the group now (east: not read; west: a Running, b Starting): ${NOTE}`,
    ],
  ])("%s", (_, reads, calls, expected) => {
    expect(groupDownNote(reads, "west", calls)).toBe(expected);
  });
});
