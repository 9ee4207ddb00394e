import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { HyperVSimulator } from "../../provider/simulator";
import { PAYROLL_ID } from "./fixtures";

let folder: string;
let stateFile: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "hv-sim-problems-"));
  stateFile = join(folder, "cluster.json");
  const sim = new HyperVSimulator({ stateFile });
  await sim.init();
  await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
});

afterEach(async () => {
  await chmod(folder, 0o755);
  if (immutableSupported) execFileSync("chattr", ["-i", stateFile]);
  await rm(folder, { recursive: true, force: true });
});

const env = (message: string) => new CimError("environment", message);
const addBilling = () => new HyperVSimulator({ stateFile }).addCollection({ name: "billing" });

/** Whether this machine lets the tests set the immutable flag (root on a file system with attributes). */
const immutableSupported = (() => {
  const probe = join(tmpdir(), `hv-sim-chattr-${process.pid}`);
  try {
    execFileSync("sh", ["-c", `touch '${probe}' && chattr +i '${probe}' && chattr -i '${probe}'`], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  } finally {
    execFileSync("rm", ["-f", probe]);
  }
})();

describe("a stale lock on the state file", () => {
  it("dated in the future is reported within seconds, with the lock's path and how to clear it", async () => {
    const lock = `${stateFile}.lock`;
    await mkdir(lock);
    const inAnHour = new Date(Date.now() + 3_600_000);
    await utimes(lock, inAnHour, inAnHour);
    const started = Date.now();

    const error = await addBilling().catch((e: unknown) => e);
    const waitedMs = Date.now() - started;

    expect(error).toBeInstanceOf(CimError);
    expect((error as CimError).category).toBe("environment");
    expect((error as CimError).message).toMatch(
      new RegExp(
        `^simulator state file ${stateFile} stayed locked for \\d+\\.\\d s: the lock ${lock} is dated 3[56]\\d\\d s in the future, so it never counts as stale by itself\\. If no Pulumi program or hyperv-replica-sim command is using this state file, the lock is stale \\(a killed process leaves it behind\\): remove the folder ${lock} and run again$`,
      ),
    );
    expect(waitedMs).toBeLessThan(15_000);
  });

  it("once removed, lets the next call through", async () => {
    const lock = `${stateFile}.lock`;
    await mkdir(lock);
    await expect(addBilling()).rejects.toThrow(`remove the folder ${lock} and run again`);
    await rm(lock, { recursive: true });

    expect((await addBilling()).name).toBe("billing");
  });
});

describe("an unusable state file", () => {
  it("read-only: changes are refused with the file named, the file is left as it was, and reads still work", async () => {
    const before = await readFile(stateFile, "utf8");
    await chmod(stateFile, 0o444);

    await expect(addBilling()).rejects.toEqual(
      env(
        `simulator state file ${stateFile} is read-only, so it is left unchanged; make it writable (chmod u+w) to let the simulator record changes`,
      ),
    );
    expect(await readFile(stateFile, "utf8")).toBe(before);
    expect((await new HyperVSimulator({ stateFile }).collections()).map((c) => c.name)).toEqual(["payroll"]);
  });

  it.skipIf(!immutableSupported)(
    `immutable (chattr +i): changes are refused with EPERM explained${immutableSupported ? "" : " — skipped: chattr +i is not permitted on this machine"}`,
    async () => {
      const before = await readFile(stateFile, "utf8");
      execFileSync("chattr", ["+i", stateFile]);

      await expect(addBilling()).rejects.toEqual(
        env(
          `cannot write simulator state file ${stateFile} (EPERM, operation not permitted): the file or its folder is probably immutable (lsattr shows an "i"); clear that with chattr -i, or use another state file`,
        ),
      );
      expect(await readFile(stateFile, "utf8")).toBe(before);
    },
  );

  it("in a read-only folder: refused before anything is written there, the lock included", async () => {
    await chmod(folder, 0o555);

    await expect(addBilling()).rejects.toEqual(
      env(
        `the folder ${folder} of simulator state file ${stateFile} is read-only; make it writable (chmod u+w) or use a state file elsewhere`,
      ),
    );
  });

  it("corrupt JSON: the file is named with the parser's complaint and how to start over", async () => {
    await writeFile(stateFile, '{"version": 1, "collections": [');

    const error = (await addBilling().catch((e: unknown) => e)) as CimError;

    expect(error.category).toBe("environment");
    expect(error.message).toMatch(
      new RegExp(
        `^simulator state file ${stateFile} is not valid JSON \\(.+\\); restore it from a copy, or start over with \`hyperv-replica-sim init <file> --force\`$`,
      ),
    );
  });

  it("a hand-edited collection without a field: the field is named with its place in the file", async () => {
    const state = JSON.parse(await readFile(stateFile, "utf8"));
    delete state.collections[0].replicationState;
    await writeFile(stateFile, JSON.stringify(state));

    await expect(addBilling()).rejects.toEqual(
      env(
        `simulator state file ${stateFile} is not a version 1 simulator state: collections[0].replicationState is missing, not number; fix that field, or restore it from a copy, or start over with \`hyperv-replica-sim init <file> --force\``,
      ),
    );
  });

  it("a hand-edited file without a list: the list is named", async () => {
    const state = JSON.parse(await readFile(stateFile, "utf8"));
    delete state.jobs;
    await writeFile(stateFile, JSON.stringify(state));

    await expect(new HyperVSimulator({ stateFile }).jobs()).rejects.toEqual(
      env(
        `simulator state file ${stateFile} is not a version 1 simulator state: "jobs" is missing, not a list; fix that field, or restore it from a copy, or start over with \`hyperv-replica-sim init <file> --force\``,
      ),
    );
  });

  it("a hand-seeded busy code other than 32774 or 32775: the field is named", async () => {
    const state = JSON.parse(await readFile(stateFile, "utf8"));
    state.busyReturnCode = 4096;
    await writeFile(stateFile, JSON.stringify(state));

    await expect(new HyperVSimulator({ stateFile }).jobs()).rejects.toEqual(
      env(
        `simulator state file ${stateFile} is not a version 1 simulator state: "busyReturnCode" is 4096, not 32774 or 32775; fix that field, or restore it from a copy, or start over with \`hyperv-replica-sim init <file> --force\``,
      ),
    );
  });
});
