/**
 * A PowerShell that crashes as it starts (a signal such as SIGSEGV: .NET's runtime has been seen to segfault there,
 * once among many thousand starts) is replaced once before the crash is reported; one that exits with a code is
 * reported at once. The executable is a shell script in front of pwsh that counts its starts and crashes, or exits,
 * the first N times.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BridgeProcess } from "../../provider/powershell/bridgeProcess";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-crash-at-start-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A PowerShell that ends its first `times` starts with `end` (`kill -SEGV $$`, `exit 3`), then runs pwsh. */
function failingFirst(
  name: string,
  times: number,
  end: string,
): { executable: string; starts: () => number } {
  const counter = path.join(dir, `${name}.starts`);
  const executable = path.join(dir, name);
  fs.writeFileSync(
    executable,
    [
      "#!/bin/sh",
      `echo x >> '${counter}'`,
      `if [ "$(wc -l < '${counter}')" -le ${times} ]; then ${end}; fi`,
      `exec '${pwsh.path!}' "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const starts = () => (fs.existsSync(counter) ? fs.readFileSync(counter, "utf8").split("\n").length - 1 : 0);
  return { executable, starts };
}

const start = (executable: string) =>
  BridgeProcess.start({ executable, key: randomBytes(32), startTimeoutMs: 60_000, requestTimeoutMs: 60_000 });

describe.skipIf(!pwsh.path || process.platform === "win32")(
  skipTitle("a PowerShell that crashes as it starts", pwsh),
  () => {
    it("is replaced once, and the second process answers", async () => {
      const shell = failingFirst("segfault-once", 1, "kill -SEGV $$");
      const bridge = await start(shell.executable);
      try {
        expect(await bridge.request({ op: "ping" })).toMatchObject({ edition: "Core" });
        expect(shell.starts()).toBe(2);
      } finally {
        await bridge.dispose();
      }
    });

    it("that crashes again is reported, naming the signal, after two starts", async () => {
      const shell = failingFirst("segfault-always", 2, "kill -SEGV $$");
      await expect(start(shell.executable)).rejects.toMatchObject({
        category: "environment",
        message: `PowerShell (${shell.executable}) exited as it started (it was killed (SIGSEGV))`,
      });
      expect(shell.starts()).toBe(2);
    });

    it("that exits with a code is reported at once, after one start", async () => {
      const shell = failingFirst("exit-code", 1, "exit 3");
      await expect(start(shell.executable)).rejects.toMatchObject({
        category: "environment",
        message: `PowerShell (${shell.executable}) exited as it started (it exited with code 3)`,
      });
      expect(shell.starts()).toBe(1);
    });
  },
);
