// The provisioning end-to-end suite (every network mode, faults, teardown, idempotency) on the real Durable extension.
process.env.E2E_DURABLE_ENGINE = "extension";
await import("./provisioning.test.js");
