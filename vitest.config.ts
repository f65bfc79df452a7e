import { defineConfig } from "vitest/config";

/**
 * Three tiers, so the inner loop stays short and the slow suites say what they need:
 * - unit: pure and in-process code (domain, orchestrators with scripted activities, handlers with a fake Durable
 *   client, CLI against a fake API, events, config, Azure client policies, console model, the import graph);
 * - sim: activities and the emulators and tools (the Azure simulator through the real SDK clients, kubectl and az
 *   against it, the local Functions host on Azurite, infra/ through the real Bicep compiler);
 * - stack: the whole stack over HTTP (e2e), the console in a headless browser, `npm start` itself, Node 22 and the
 *   packed CLI, the deployment package, the portal integrations. What these need from a registry (Node 22, the
 *   CLI's dependencies) `npm run prepare:test` fetches first.
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

/**
 * Files that must run alone: the real Durable extension (a .NET host), headless Chromium and the deployment package
 * are CPU-heavy, and a few assert timings (event-stream ratios, a bound on an answer during a storage outage, timer
 * delays) that a busy 2-core machine would skew. They run one at a time, after the other tiers.
 */
const simSoloFiles = [
  "test/host/**/*.extension.test.ts",
  "test/host/conformance.test.ts",
  "test/host/autoTimers.test.ts",
];
const stackSoloFiles = [
  "test/e2e/**/*.extension.test.ts",
  "test/e2e/stepEvents*.test.ts",
  "test/stack/storageOutage.test.ts",
  "test/console/**/*.e2e.test.ts",
  "portals/*/test/**/*.e2e.test.ts",
  "test/package/**/*.test.ts",
];

/**
 * Vitest's default is one worker per core but one, so a single worker on a 2-core CI machine; yet the sim and stack
 * files mostly wait (simulated Azure delays, polling, timers). Three at a time uses that waiting. Projects with
 * different worker counts need their own `sequence.groupOrder`; the solo projects (one worker, isolated, order 0)
 * form Vitest's sequential group, which runs last.
 */
const waitingWorkers = 3;

const slow = { testTimeout: 60_000, hookTimeout: 120_000 };

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
        test: {
          name: "sim",
          include: simFiles,
          exclude: simSoloFiles,
          maxWorkers: waitingWorkers,
          sequence: { groupOrder: 1 },
          ...slow,
        },
      },
      {
        extends: true,
        test: {
          name: "stack",
          include: stackFiles,
          exclude: stackSoloFiles,
          maxWorkers: waitingWorkers,
          sequence: { groupOrder: 2 },
          ...slow,
        },
      },
      { extends: true, test: { name: "sim-solo", include: simSoloFiles, maxWorkers: 1, ...slow } },
      { extends: true, test: { name: "stack-solo", include: stackSoloFiles, maxWorkers: 1, ...slow } },
    ],
  },
});
