/**
 * `npm run sim`: the Azure simulator on its own, for poking at it with curl, the Azure SDKs or the CLI tools.
 * Flags: --port (default 8443), --time-scale (default 1: AKS takes its real ~4 minutes), --cert-dir (default .local),
 * --state-dir (persist and reload the whole simulated Azure there).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startAzureSimulator } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.SIM_PORT ?? "8443" },
    "time-scale": { type: "string", default: process.env.SIM_TIME_SCALE ?? "1" },
    "cert-dir": { type: "string", default: ".local" },
    "state-dir": { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const sim = await startAzureSimulator({
  port: Number(values.port),
  timeScale: Number(values["time-scale"]),
  certDir: resolve(values["cert-dir"] ?? ".local"),
  ...(values["state-dir"] === undefined ? {} : { stateDir: resolve(values["state-dir"]) }),
  ...(values.verbose === true ? { log: (line: string) => console.log(line) } : {}),
});
console.log(`Azure simulator listening on ${sim.url}
  ARM endpoint / authority host  ${sim.armEndpoint}
  tenant ${sim.tenantId}  client ${sim.clientId}
  simulator's fake client secret ${sim.clientSecret}
  CA to trust                    ${sim.caCertPath}   (NODE_EXTRA_CA_CERTS or tlsOptions.ca)
  default subscription           ${sim.subscriptionId}   (any GUID works)
  control API                    ${sim.url}/_sim/{requests,inventory,faults,config,reset,kubeconfig}
  state                          ${sim.stateDir ?? "in memory only (--state-dir to persist)"}`);
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
