/**
 * Set up before every file that shares a fork (vitest.config.mts): the next file in the fork runs in this same
 * process, so each must leave the environment variables and the working directory as it found them. A file that needs
 * to change them belongs in OWN_FORK.
 */
import { afterAll, expect } from "vitest";

const env = { ...process.env };
const cwd = process.cwd();

afterAll(() => {
  expect(
    { env: { ...process.env }, cwd: process.cwd() },
    "this file changed the process that the next file in its fork runs in: list it in OWN_FORK in vitest.config.mts",
  ).toEqual({ env, cwd });
});
