import { defineConfig } from "vitest/config";

/**
 * Three tiers, so the inner loop stays short and the slow suites say what they need:
 * - unit: pure and in-process code (domain, orchestrators with scripted activities, handlers with a fake Durable
 *   client, CLI against a fake API, events, config, Azure client policies, console model, the import graph);
 * - sim: activities and the emulators and tools (the Azure simulator through the real SDK clients, kubectl and az
 *   against it, the local Functions host on Azurite, infra/ through the real Bicep compiler);
 * - stack: the whole stack over HTTP (e2e), the console in a headless browser, `npm start` itself, Node 22, the
 *   packed CLI and the deployment package booted from its zip. What these need from a registry (Node 22, the CLI's dependencies) `npm run prepare:test` fetches first.
 * `npm test` runs all three; `npm run test:unit` is the inner loop.
 */
const stackFiles = [
  "test/e2e/**/*.test.ts",
  "test/stack/**/*.test.ts",
  "test/console/**/*.e2e.test.ts",
  "test/cli/package.test.ts",
  "test/package/**/*.test.ts",
  "portals/*/test/**/*.test.ts",
];
const simFiles = [
  "test/activities/**/*.test.ts",
  "test/azure-sim/**/*.test.ts",
  "test/host/**/*.test.ts",
  "test/infra/**/*.test.ts",
];

export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...stackFiles, ...simFiles], isolate: false },
      },
      {
        extends: true,
        // The emulators start real servers and processes; give them room on a 2-core machine.
        test: { name: "sim", include: simFiles, testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        test: { name: "stack", include: stackFiles, testTimeout: 60_000, hookTimeout: 120_000 },
      },
    ],
  },
});
