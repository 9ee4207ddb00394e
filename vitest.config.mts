import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The Pulumi closure serializer needs the V8 inspector, which worker threads do not have.
    pool: "forks",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The default output, then the ten slowest files. `.ci/run` names its reporters itself and adds this one too.
    reporters: ["default", "./test/harness/slowestFiles.ts"],
  },
});
