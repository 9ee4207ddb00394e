import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isAlive } from "../harness/orphan";
import { REPO_ROOT } from "../harness/plugin";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * How long one install of an SDK version serves later runs. npm resolves the SDK's own dependencies (207 packages)
 * to the newest their ranges allow on the day it installs them, as it would for a user that day: a day-old install
 * still stands for what a user gets, an older one may not.
 */
const FRESH_MS = 24 * 60 * 60 * 1000;
/** Written last, so that an install that stopped half-way is never taken for a whole one. */
const MARKER = ".installed";

export function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function isFresh(dir: string): boolean {
  const marker = fs.statSync(path.join(dir, MARKER), { throwIfNoEntry: false });
  return marker !== undefined && Date.now() - marker.mtimeMs < FRESH_MS;
}

/** Installs and replaced installs that the runs which made them left behind (a run stopped half-way): 100 MB each. */
function removeLeftovers(cache: string): void {
  const prefix = `${path.basename(cache)}.`;
  for (const name of fs.readdirSync(path.dirname(cache))) {
    const pid = Number(/(\d+)$/.exec(name)?.[1]);
    if (name.startsWith(prefix) && Number.isInteger(pid) && !isAlive(pid)) {
      fs.rmSync(path.join(path.dirname(cache), name), { recursive: true, force: true });
    }
  }
}

/**
 * A project with `@pulumi/pulumi@version` installed from the npm registry, kept in `.tmp/` for a day. Installing it
 * is most of a run's CPU for the test that needs it (about 20 s on 2 CPUs, more under load); linking it is a
 * fraction of a second. It is installed in a folder of its own and renamed into place, so that a run never sees half
 * an install; a run that finds another's install fresh when its own is done uses that one.
 */
function cachedSdkProject(version: string): string {
  const cache = path.join(REPO_ROOT, ".tmp", `sdk-${version}`);
  if (isFresh(cache)) return cache;
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  removeLeftovers(cache);
  const fresh = `${cache}.${process.pid}`;
  fs.mkdirSync(fresh);
  fs.writeFileSync(path.join(fresh, "package.json"), JSON.stringify({ name: "lowest-sdk", private: true }));
  run(NPM, ["install", "--no-audit", "--no-fund", "--save-exact", `@pulumi/pulumi@${version}`], fresh);
  fs.writeFileSync(path.join(fresh, MARKER), new Date().toISOString());
  const stale = `${cache}.stale.${process.pid}`;
  if (isFresh(cache)) fs.renameSync(fresh, stale);
  else {
    if (fs.existsSync(cache)) fs.renameSync(cache, stale);
    fs.renameSync(fresh, cache);
  }
  fs.rmSync(stale, { recursive: true, force: true });
  return cache;
}

/**
 * Files npm writes again in place when it adds a package: the project's own and npm's hidden lockfile. They are
 * copied; every other file is linked, which takes a fraction of copying its bytes. npm replaces a package it changes
 * by renaming its folder away, which leaves the cache's links as they were.
 */
const REWRITTEN = new Set([
  "package.json",
  "package-lock.json",
  path.join("node_modules", ".package-lock.json"),
]);

/** `from`'s tree made again at `to`: folders made, symbolic links made again, files linked or copied. */
function linkTree(from: string, to: string, relative = ""): void {
  fs.mkdirSync(path.join(to, relative), { recursive: true });
  for (const entry of fs.readdirSync(path.join(from, relative), { withFileTypes: true })) {
    const name = path.join(relative, entry.name);
    if (name === MARKER) continue;
    const [source, target] = [path.join(from, name), path.join(to, name)];
    if (entry.isDirectory()) linkTree(from, to, name);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else if (REWRITTEN.has(name)) fs.copyFileSync(source, target);
    else fs.linkSync(source, target);
  }
}

/**
 * A new project in `dir` with `@pulumi/pulumi@version` and then the package `tarball` installed by npm, as a user
 * adds this package to a project on that SDK: npm dedupes the package's peer dependency against the project's SDK.
 */
export function sdkProject(dir: string, version: string, tarball: string): void {
  linkTree(cachedSdkProject(version), dir);
  run(NPM, ["install", "--no-audit", "--no-fund", tarball], dir);
}
