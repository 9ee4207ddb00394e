import { afterEach, describe, expect, it, vi } from "vitest";
import { Pool } from "../../provider/powershell/pool";
import { defaultMaxSessions } from "../../provider/powershell/session";

class Member {
  static started = 0;
  readonly id = ++Member.started;
  broken = false;
  /** How the pool ended it: let it leave by itself, or killed it. */
  ended: "closed" | "killed" | undefined;
  async close(): Promise<void> {
    this.ended = "closed";
  }
  async dispose(): Promise<void> {
    this.ended = "killed";
  }
}

function pool(max: number, create: () => Promise<Member> = async () => new Member(), idleMs = 60_000) {
  Member.started = 0;
  return new Pool<Member>({ create, max, idleMs });
}

const hold = () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
};

afterEach(() => {
  vi.useRealTimers();
});

describe("the PowerShell session pool", () => {
  it("on terminate, kills lent members, closes idle ones, and lends no more", async () => {
    const p = pool(2);
    const gate = hold();
    let lent: Member | undefined;
    const busy = p.use(async (m) => {
      lent = m;
      await gate.held;
    });
    const idle = await p.use(async (m) => m);
    await vi.waitFor(() => expect(lent).toBeDefined());

    await p.terminate();

    expect([lent?.ended, idle.ended]).toEqual(["killed", "closed"]);
    await expect(p.use(async () => undefined)).rejects.toThrow("the PowerShell session pool is closed");
    gate.release();
    await busy;
  });

  it("lends one member per caller and never starts more than max", async () => {
    const p = pool(2);
    const gate = hold();
    const seen: number[] = [];
    const calls = Array.from({ length: 5 }, () =>
      p.use(async (m) => {
        seen.push(m.id);
        await gate.held;
      }),
    );
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    expect(p.members).toBe(2);
    gate.release();
    await Promise.all(calls);
    expect(seen.sort()).toEqual([1, 1, 1, 2, 2]);
    expect(Member.started).toBe(2);
  });

  it("reuses a warm member instead of starting another", async () => {
    const p = pool(4);
    const first = await p.use(async (m) => m.id);
    const second = await p.use(async (m) => m.id);
    expect([first, second]).toEqual([1, 1]);
    expect(Member.started).toBe(1);
  });

  it("closes a broken member and starts a new one for the next caller", async () => {
    const p = pool(1);
    const broken = await p.use(async (m) => {
      m.broken = true;
      return m;
    });
    expect(broken.ended).toBe("closed");
    expect(await p.use(async (m) => m.id)).toBe(2);
  });

  it("notices a member that broke while idle", async () => {
    const p = pool(1);
    const idle = await p.use(async (m) => m);
    idle.broken = true;
    expect(await p.use(async (m) => m.id)).toBe(2);
    expect(idle.ended).toBe("closed");
  });

  it("frees the slot of a member that failed to start, so a waiting caller can try again", async () => {
    let attempts = 0;
    const p = pool(1, async () => {
      attempts++;
      if (attempts === 1) throw new Error("pwsh crashed at start");
      return new Member();
    });
    await expect(p.use(async () => undefined)).rejects.toThrow("pwsh crashed at start");
    expect(p.members).toBe(0);
    expect(await p.use(async (m) => m instanceof Member)).toBe(true);
  });

  it("closes members that stay idle, so the plugin can exit", async () => {
    vi.useFakeTimers();
    const p = pool(2, undefined, 1000);
    const member = await p.use(async (m) => m);
    vi.advanceTimersByTime(999);
    expect(member.ended).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(member.ended).toBe("closed");
    expect(p.members).toBe(0);
  });

  it("closes every idle member on close, and one on loan when it comes back, and refuses further use", async () => {
    const p = pool(2);
    const gate = hold();
    let lent: Member | undefined;
    const busy = p.use(async (m) => {
      lent = m;
      await gate.held;
    });
    const member = await p.use(async (m) => m);
    await vi.waitFor(() => expect(lent).toBeDefined());
    await p.close();
    expect([member.ended, lent?.ended]).toEqual(["closed", undefined]);
    gate.release();
    await busy;
    expect(lent?.ended).toBe("closed");
    await expect(p.use(async () => undefined)).rejects.toThrow("the PowerShell session pool is closed");
  });
});

describe("the default number of PowerShell processes per connection", () => {
  it("is one per CPU of the agent, at least 1 and at most 4", () => {
    expect([1, 2, 3, 4, 8, 64].map((cpus) => defaultMaxSessions(cpus))).toEqual([1, 2, 3, 4, 4, 4]);
    expect(defaultMaxSessions(0)).toBe(1);
  });
});
