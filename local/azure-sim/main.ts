/**
 * `npm run sim`: the Azure simulator on its own, for poking at it with curl, the Azure SDKs or the CLI tools.
 * Flags: --port (default 8443), --time-scale (default 1: AKS takes its real ~4 minutes), --cert-dir (default .local),
 * --state-dir (persist and reload the whole simulated Azure there), --config (a JSON SimulatorConfig patch), --json (the
 * client settings as one JSON line), --exit-with-parent.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { simulatorEndpoint, startAzureSimulator, type SimulatorConfig } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.SIM_PORT ?? "8443" },
    "time-scale": { type: "string", default: process.env.SIM_TIME_SCALE ?? "1" },
    "cert-dir": { type: "string", default: ".local" },
    "state-dir": { type: "string" },
    verbose: { type: "boolean", default: false },
    // A SimulatorConfig patch as JSON (what PATCH /_sim/config takes), applied before the first request.
    config: { type: "string" },
    // One JSON line with the client settings instead of the banner, for a program that started this one.
    json: { type: "boolean", default: false },
    // Stop when this process (the one that started the simulator) is gone, even if it was SIGKILLed.
    "exit-with-parent": { type: "boolean", default: false },
  },
});

const sim = await startAzureSimulator({
  ...(values.config === undefined ? {} : (JSON.parse(values.config) as Partial<SimulatorConfig>)),
  port: Number(values.port),
  timeScale: Number(values["time-scale"]),
  certDir: resolve(values["cert-dir"] ?? ".local"),
  ...(values["state-dir"] === undefined ? {} : { stateDir: resolve(values["state-dir"]) }),
  ...(values.verbose === true ? { log: (line: string) => console.log(line) } : {}),
});
if (values.json === true) console.log(JSON.stringify(simulatorEndpoint(sim)));
else
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
if (values["exit-with-parent"] === true) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}
