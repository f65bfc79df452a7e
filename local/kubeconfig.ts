/**
 * `npm run kubeconfig -- <resourceGroup> <clusterName> [--subscription <id>]`: prints the admin kubeconfig of a
 * cluster of the running local stack, so the seed articles' kubectl commands can be followed against it:
 *
 *   npm run --silent kubeconfig -- rg-aks-podsubnet aks-podsubnet > /tmp/aks.kubeconfig
 *   KUBECONFIG=/tmp/aks.kubeconfig kubectl get nodes -o wide
 *
 * The simulator is found through AZURE_SIM_URL (plus AZURE_SIM_CA, a CA file) when set, else through the state
 * folder it persists into — AZURE_SIM_STATE_DIR, default .local/azure-sim — which records its port and CA.
 */
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stateFileName, type PersistedState } from "./azure-sim/persistence.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { subscription: { type: "string" } },
});
const [resourceGroup, clusterName] = positionals;
if (resourceGroup === undefined || clusterName === undefined) {
  console.error("usage: npm run kubeconfig -- <resourceGroup> <clusterName> [--subscription <id>]");
  process.exit(2);
}

function locate(): { url: string; ca: string } {
  const url = process.env.AZURE_SIM_URL;
  if (url !== undefined && url !== "") {
    const caFile = process.env.AZURE_SIM_CA;
    return { url, ca: caFile === undefined ? "" : readFileSync(caFile, "utf8") };
  }
  const directory = resolve(process.env.AZURE_SIM_STATE_DIR ?? join(".local", "azure-sim"));
  const file = join(directory, stateFileName);
  if (!existsSync(file)) {
    console.error(
      `No simulator state in ${directory}: start the local stack (npm start), or set AZURE_SIM_STATE_DIR or AZURE_SIM_URL.`,
    );
    process.exit(1);
  }
  const state = JSON.parse(readFileSync(file, "utf8")) as PersistedState;
  return { url: `https://localhost:${state.port}`, ca: state.certificates.caCertPem };
}

const { url, ca } = locate();
const query = new URLSearchParams({
  resourceGroup,
  name: clusterName,
  ...(values.subscription === undefined ? {} : { subscription: values.subscription }),
});
const call = request(`${url}/_sim/kubeconfig?${query.toString()}`, { ca: ca === "" ? undefined : ca }, (response) => {
  let body = "";
  response.on("data", (chunk: Buffer) => (body += chunk.toString()));
  response.on("end", () => {
    if (response.statusCode === 200) {
      process.stdout.write(body);
      return;
    }
    console.error(`The simulator at ${url} answered ${String(response.statusCode)}: ${body}`);
    process.exit(1);
  });
});
call.on("error", (error) => {
  console.error(`The simulator at ${url} is not answering (${error.message}); is the local stack running?`);
  process.exit(1);
});
call.end();
