/**
 * The simulator finds records by key through an index per list (store/keyIndex.ts). An index that went stale would
 * make a host miss a collection or a job it holds, so each way a list changes must be seen.
 */
import { describe, expect, it } from "vitest";
import { keyCount, withKey, type KeyOf } from "../../provider/simulator/store/keyIndex";
import { Changes, track } from "../../provider/simulator/store/tracking";
import { emptyState, type StoredJob } from "../../provider/simulator/store/state";

interface Row {
  id: string;
  site?: string;
  note?: string;
}
const ID: KeyOf<Row> = (r) => r.id;
const SITE: KeyOf<Row> = (r) => r.site;

describe("withKey", () => {
  it("finds records by key in any case, in list order, and none for a key no record has", () => {
    const list: Row[] = [{ id: "A-1" }, { id: "b-2" }, { id: "a-1", site: "west" }];
    expect(withKey(list, ID, "a-1")).toEqual([list[0], list[2]]);
    expect(withKey(list, ID, "B-2")).toEqual([list[1]]);
    expect(withKey(list, ID, "c-3")).toEqual([]);
    expect(withKey(list, ID, null)).toEqual([]);
  });

  it("sees records added at the end after the list was indexed", () => {
    const list: Row[] = [{ id: "a" }];
    expect(withKey(list, ID, "b")).toEqual([]);
    list.push({ id: "b" });
    expect(withKey(list, ID, "b")).toEqual([list[1]]);
  });

  it("sees a list rewritten in place: a record replaced, removed from the middle, or the order changed", () => {
    const list: Row[] = [{ id: "a" }, { id: "b" }, { id: "c" }];
    expect(withKey(list, ID, "b")).toEqual([list[1]]);
    list[1] = { id: "x" };
    expect(withKey(list, ID, "b")).toEqual([]);
    expect(withKey(list, ID, "x")).toEqual([list[1]]);
    list.splice(0, 1);
    expect(withKey(list, ID, "c")).toEqual([list[1]]);
    list.reverse();
    expect(withKey(list, ID, "c")).toEqual([list[0]]);
  });

  it("keeps a separate index per key function and per list", () => {
    const one: Row[] = [{ id: "a", site: "east" }];
    const other: Row[] = [{ id: "a", site: "west" }];
    expect(withKey(one, SITE, "EAST")).toEqual([one[0]]);
    expect(withKey(other, ID, "a")).toEqual([other[0]]);
    expect(withKey(other, SITE, "east")).toEqual([]);
    expect(keyCount(one, SITE)).toBe(1);
    expect(keyCount([{ id: "a" }, { id: "b" }] as Row[], SITE)).toBe(0);
  });

  it("returns the records a tracked list gives, so that a change made through them is tracked", () => {
    const state = emptyState();
    const job = { instanceId: "Microsoft:J1", collectionId: "c1" } as StoredJob;
    state.jobs.push(job);
    const changes = new Changes();
    const tracked = track(state, changes);
    const JOB: KeyOf<StoredJob> = (j) => j.instanceId;
    const [found] = withKey(tracked.jobs, JOB, "microsoft:j1");
    expect(found).not.toBe(job);
    found!.hangs = true;
    expect(job.hangs).toBe(true);
    expect(changes.records.has(job)).toBe(true);
  });
});
