/**
 * A request the bridge cannot read is answered at once with an error, never with silence, and the process goes on
 * answering: a lone UTF-16 surrogate in a value (System.Text.Json will not make a string of it; the answer still
 * carries the request's id), and a request too deep to parse at all, whose answer comes back without an id.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { BridgeProcess } from "../../provider/powershell/bridgeProcess";
import { HyperVSimulator } from "../../provider/simulator";
import { COLLECTIONS, powershellChildren, useBridgeFixture } from "./fixture";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();
/** Far beyond what an answer takes: a request that went unanswered would fail with a timeout instead. */
const PATIENCE_MS = 120_000;
const PING_ANSWER = { psVersion: expect.stringMatching(/^7\./), edition: "Core" };
const LONE_SURROGATE = new CimError(
  "protocol",
  'the bridge could not read this request: Exception calling "GetString" with "0" argument(s): "Cannot read incomplete UTF-16 JSON text as string with missing low surrogate."',
  -2146233087,
);

describe.skipIf(!pwsh.path)(skipTitle("a request the bridge cannot read", pwsh), () => {
  const f = useBridgeFixture(pwsh);

  async function bridge(): Promise<BridgeProcess> {
    return BridgeProcess.start({
      executable: f.executable,
      key: randomBytes(32),
      startTimeoutMs: PATIENCE_MS,
      requestTimeoutMs: PATIENCE_MS,
    });
  }

  it("a lone surrogate in a value gets an error answer at once, and the process answers the next request", async () => {
    const process = await bridge();
    try {
      const filter = { ElementName: "a\ud800b" };
      await expect(process.request({ op: "query", className: COLLECTIONS, filter })).rejects.toEqual(
        LONE_SURROGATE,
      );
      expect(process.broken).toBe(false);
      expect(await process.request({ op: "ping" })).toEqual(PING_ANSWER);
    } finally {
      await process.dispose();
    }
  });

  it("a request it cannot even parse gets an error answer without an id, taken as its answer", async () => {
    const process = await bridge();
    // System.Text.Json stops at 64 levels, so neither the request nor its id can be read.
    let deep: object = {};
    for (let level = 0; level < 70; level++) deep = { a: deep };
    try {
      await expect(process.request({ op: "ping", deep })).rejects.toEqual(
        new CimError(
          "protocol",
          'the bridge could not read this request: Exception calling "Parse" with "1" argument(s): "The maximum configured depth of 64 has been exceeded. Cannot read next JSON object. LineNumber: 0 | BytePositionInLine: 335."',
          -2146233087,
        ),
      );
      expect(process.broken).toBe(false);
      expect(await process.request({ op: "ping" })).toEqual(PING_ANSWER);
    } finally {
      await process.dispose();
    }
  });

  it("through a CIM session: the query fails at once, and the same process serves the next one", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    const session = f.local({ maxSessions: 1 });
    expect(await session.query(COLLECTIONS)).toHaveLength(1);
    const pids = powershellChildren();
    await expect(session.query(COLLECTIONS, { ElementName: "a\ud800b" })).rejects.toEqual(LONE_SURROGATE);
    expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual(["sql-cluster"]);
    expect(powershellChildren()).toEqual(pids);
  });

  it("every other awkward name still round-trips as data, and a hostile id runs nothing", async () => {
    f.sim = new HyperVSimulator();
    const names = [
      "sql \ud83d\ude00 pair",
      "nul\u0000byte",
      "\ufeffbom",
      "line\u2028sep",
      "a\uffffb",
      "\u202eltr",
    ];
    for (const name of names) await f.sim.addCollection({ name });
    const session = f.local({ maxSessions: 1 });
    for (const name of names) {
      expect(
        (await session.query(COLLECTIONS, { ElementName: name })).map((c) => c.properties.ElementName),
      ).toEqual([name]);
    }
    // Ids are data too: one that tries to run code finds nothing, and runs nothing.
    const marker = path.join(f.dir, "pwned-by-id");
    const id = `'; [IO.File]::WriteAllText('${marker}', 'x'); '\ud83d\ude00`;
    expect(await session.query(COLLECTIONS, { CollectionID: id })).toEqual([]);
    expect(await session.get({ className: COLLECTIONS, keys: { CollectionID: id } })).toBeUndefined();
    expect(fs.existsSync(marker)).toBe(false);
  });
});
