/**
 * The e2e suites that run on a default stack, on the real Durable extension, one after another on one stack (the
 * harness shares it under E2E_SHARED_STACK): live plans first (their quota checks count the vCPUs of every cluster
 * the simulated subscription holds), then provisioning (every network mode, faults, teardown, idempotency), chaos,
 * egress, dual stack and hub VNet, API server access and day 2. Their local-engine runs are their own files.
 */
process.env.E2E_DURABLE_ENGINE = "extension";
process.env.E2E_SHARED_STACK = "1";
await import("./livePlan.test.js");
await import("./provisioning.test.js");
await import("./chaos.test.js");
await import("./egress.test.js");
await import("./dualStackAndHubVnet.test.js");
await import("./apiServerAccess.test.js");
await import("./day2.test.js");
