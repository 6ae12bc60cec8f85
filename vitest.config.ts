import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The SSH lab tests share namespaces and ports; they serialise themselves through test/lab.
    pool: "forks",
  },
});
