// A failing receiver and the run it listens to, on the real Durable extension.
process.env.E2E_DURABLE_ENGINE = "extension";
await import("./stepEvents.test.js");
