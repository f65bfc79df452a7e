import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "portals/*/test/**/*.test.ts"],
    environment: "node",
    // End-to-end suites start real servers (simulator, local host, Azurite); give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
