/**
 * `npm run kubeconfig -- <resourceGroup> <clusterName> [--subscription <id>]`: prints the admin kubeconfig of a
 * cluster of the running local stack, so the seed articles' kubectl commands can be followed against it:
 *
 *   npm run --silent kubeconfig -- rg-aks-podsubnet aks-podsubnet > /tmp/aks.kubeconfig
 *   KUBECONFIG=/tmp/aks.kubeconfig kubectl get nodes -o wide
 *
 * The stack is found as `npm start` left it: in LOCAL_DATA_DIR (default .azurite), whose simulator records its port
 * and CA; AZURE_SIM_STATE_DIR names a simulator's state folder directly, and AZURE_SIM_URL (plus AZURE_SIM_CA, a CA
 * file) any other simulator.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { parseArgs } from "node:util";
import { noStateMessage, readSimulatorLogin, simulatorStateDir } from "./stackState.js";

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
  const directory = simulatorStateDir();
  const login = readSimulatorLogin(directory);
  if (login === null) {
    console.error(noStateMessage(directory));
    process.exit(1);
  }
  return { url: login.url, ca: login.caCertPem };
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
  console.error(`The simulator at ${url} is not answering (${error.message}): is npm start running?`);
  process.exit(1);
});
call.end();
