/**
 * Preloaded into both plugin processes (NODE_OPTIONS=--require) by test/sites/race.test.ts. It writes every method
 * call its process sends to the shared simulated hosts, with the answer, to `calls-<role>` in the marker folder, so
 * the test can tell which process sent what. While the test's `force` marker exists it also forces one interleaving
 * of two runs moving one site pair: B reads both sites and plans InitiatePlannedFailover, then A calls it, then B
 * calls it; after that B makes no call of any kind until the test's `release` marker appears (the test writes it
 * once A's run has ended). It never changes what the hosts answer.
 *
 * HVR_E2E_ROLE is `A` or `B`; HVR_E2E_MARKERS the marker folder; HVR_E2E_SESSION the simulator session module the
 * plugin loads (the same file, so the same class).
 */
const fs = require("node:fs");
const path = require("node:path");
const { setTimeout: sleep } = require("node:timers/promises");

const role = process.env.HVR_E2E_ROLE;
const markers = process.env.HVR_E2E_MARKERS;
const { SimulatorSession } = require(process.env.HVR_E2E_SESSION);
const HELD = "InitiatePlannedFailover";

const marker = (name) => path.join(markers, name);
const exists = (name) => fs.existsSync(marker(name));
const forced = () => exists("force");

/** Waits for a marker file, at most 20 s: a run that never gets there must not hang the test forever. */
async function waitFor(name) {
  for (let waited = 0; waited < 20_000 && !exists(name); waited += 10) await sleep(10);
}

/** B, once its held call was answered, waits for the test's release before anything else reaches a host. */
const heldBack = () => (role === "B" && forced() && exists("b-called") ? waitFor("release") : undefined);

for (const name of ["query", "get", "getMany", "associators"]) {
  const read = SimulatorSession.prototype[name];
  SimulatorSession.prototype[name] = async function (...args) {
    await heldBack();
    return read.apply(this, args);
  };
}

const invoke = SimulatorSession.prototype.invoke;

async function arranged(session, args) {
  const [, method] = args;
  await heldBack();
  if (method !== HELD) return invoke.apply(session, args);
  if (role === "A" && !exists("a-called")) {
    await waitFor("b-planned");
    const result = await invoke.apply(session, args);
    fs.writeFileSync(marker("a-called"), String(result.returnValue));
    return result;
  }
  if (role === "B" && !exists("b-called")) {
    // B read both sites and planned this call before A's landed.
    fs.writeFileSync(marker("b-planned"), "");
    await waitFor("a-called");
    const result = await invoke.apply(session, args);
    fs.writeFileSync(marker("b-called"), String(result.returnValue));
    return result;
  }
  return invoke.apply(session, args);
}

SimulatorSession.prototype.invoke = async function (...args) {
  const result = forced() ? await arranged(this, args) : await invoke.apply(this, args);
  fs.appendFileSync(
    marker(`calls-${role}`),
    `${this.target.split(" ")[0]}: ${args[1]} -> ${result.returnValue}\n`,
  );
  return result;
};
