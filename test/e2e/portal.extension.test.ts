// The portal end-to-end suite on the real Durable extension.
process.env.E2E_DURABLE_ENGINE = "extension";
await import("./portal.test.js");
