/**
 * `npm run -s az-login`: prints the azure-cli commands for the running local stack (URL, CA, client id, secret,
 * tenant), to paste or to run with `eval "$(npm run -s az-login)"`. The stack is found as `npm start` left it: in
 * LOCAL_DATA_DIR (default .azurite), or AZURE_SIM_STATE_DIR for a simulator of its own.
 */
import { request } from "node:https";
import { join } from "node:path";
import { azLoginCommands, type ArmCloudMetadata } from "./azCommands.js";
import { noStateMessage, readSimulatorLogin, simulatorStateDir, type SimulatorLogin } from "./stackState.js";

function readMetadata(login: SimulatorLogin): Promise<ArmCloudMetadata> {
  const url = `${login.url}/metadata/endpoints?api-version=2019-05-01`;
  return new Promise((resolve, reject) => {
    const call = request(url, { ca: login.caCertPem }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => {
        const clouds = response.statusCode === 200 ? (JSON.parse(body) as ArmCloudMetadata[]) : [];
        const cloud = clouds[0];
        if (cloud === undefined) reject(new Error(`${url} answered ${String(response.statusCode)}`));
        else resolve(cloud);
      });
    });
    call.on("error", reject);
    call.end();
  });
}

const directory = simulatorStateDir();
const login = readSimulatorLogin(directory);
if (login === null) {
  console.error(noStateMessage(directory));
  process.exit(1);
}
const metadata = await readMetadata(login).catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`The local stack's simulator at ${login.url} is not answering (${reason}): is npm start running?`);
  process.exit(1);
});
console.log(azLoginCommands(login, metadata, join(directory, "azure-cli")).join("\n"));
