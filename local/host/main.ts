/**
 * `node dist/local/host/main.js [--app-root .] [--port 7071] [--timers real|auto]`: the local host on its own.
 * Storage comes from AzureWebJobsStorage (a connection string; UseDevelopmentStorage=true means Azurite's default
 * ports); without it, state is kept in memory. FUNCTIONS_KEY, FUNCTIONS_SYSTEM_KEY and FUNCTIONS_MASTER_KEY fix the
 * host's keys (random otherwise).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startLocalHost } from "./index.js";

const devStorage =
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

const { values } = parseArgs({
  options: {
    "app-root": { type: "string", default: "." },
    port: { type: "string", default: "7071" },
    timers: { type: "string", default: "real" },
  },
});

const storageSetting = process.env.AzureWebJobsStorage;
const connectionString = storageSetting === "UseDevelopmentStorage=true" ? devStorage : storageSetting;
const host = await startLocalHost({
  appRoot: resolve(values["app-root"] ?? "."),
  port: Number(values.port),
  timers: values.timers === "auto" ? "auto" : "real",
  storage:
    connectionString === undefined || connectionString === ""
      ? { kind: "memory" }
      : { kind: "azure-tables", connectionString },
  ...(process.env.FUNCTIONS_SYSTEM_KEY === undefined ? {} : { systemKey: process.env.FUNCTIONS_SYSTEM_KEY }),
  ...(process.env.FUNCTIONS_MASTER_KEY === undefined ? {} : { masterKey: process.env.FUNCTIONS_MASTER_KEY }),
  log: (line) => console.log(line),
});
console.log(`local Functions host listening on ${host.baseUrl}`);
// The keys are random per start unless set: print them, as `func start` shows its URLs, so the API is reachable.
console.log(`function key ${host.functionKey}; Durable API system key ${host.systemKey}`);
const stop = () => {
  void host.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
