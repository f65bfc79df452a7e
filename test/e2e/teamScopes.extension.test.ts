// The teamScopes end-to-end suite on the real Durable extension.
process.env.E2E_DURABLE_ENGINE = "extension";
await import("./teamScopes.test.js");
