/**
 * `npm start`: the whole local stack (Azurite + Azure simulator + local Functions host), wired together, with the API
 * URL, the function key and a ready-to-paste example. Ctrl-C stops all three.
 */
import { join } from "node:path";
import { chooseEngine, describeEngine, EngineChoiceError } from "./durable-extension/choose.js";
import { EngineMismatchError } from "./durable-extension/stateEngine.js";
import { StateFolderInUseError } from "./host/azurite.js";
import { PortInUseError } from "./host/index.js";
import { startStack } from "./stack.js";
import { shellQuote } from "./azCommands.js";
import { keptSecret, repoRoot, stackDataDir } from "./stackState.js";

const port = Number(process.env.PORT ?? "7071");
const dataDir = stackDataDir();
const chosenKey = process.env.AKS_PROVISIONING_KEY;
// Made once per state folder, so an exported key still works after a restart.
const keyFile = "api.key";
const apiKey = chosenKey === undefined || chosenKey === "" ? keptSecret(dataDir, keyFile, 18) : chosenKey;
const timeScale = Number(process.env.SIM_TIME_SCALE ?? "0.1");
const verbose = process.env.VERBOSE === "1";

// Settings the developer exported win over the local defaults (e.g. a faster poll for a demo).
const passThrough = [
  "CLUSTER_POLL_INTERVAL_SECONDS",
  "FEATURE_POLL_INTERVAL_SECONDS",
  "ROLE_ASSIGNMENT_RETRY_SECONDS",
  "ALLOWED_SUBSCRIPTION_IDS",
  "ALLOWED_LOCATIONS",
  "POD_READY_TIMEOUT_MINUTES",
  "ACCESS_POLICY",
  "CALLER_KEYS",
];
const env = Object.fromEntries(
  passThrough.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name] ?? ""]])),
);
let engine: ReturnType<typeof chooseEngine>;
try {
  engine = chooseEngine(process.env.DURABLE_ENGINE);
} catch (error) {
  if (!(error instanceof EngineChoiceError)) throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(1);
}
if (engine === "extension")
  console.log("Starting the real Durable Functions extension (a .NET host; first start builds it)…");
const stack = await startStack({
  port,
  apiKey,
  timeScale,
  env,
  dataDir,
  easyAuth: true,
  engine,
  ...(verbose ? { log: (line: string) => console.log(line) } : {}),
}).catch((error: unknown) => {
  if (!(
    error instanceof PortInUseError ||
    error instanceof StateFolderInUseError ||
    error instanceof EngineMismatchError
  ))
    throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
const example = join(repoRoot, "docs/examples/pod-subnet.json");
const keyOrigin =
  apiKey === chosenKey ? "from AKS_PROVISIONING_KEY" : `kept in ${join(dataDir, keyFile)} across restarts`;
// The helper scripts find this stack through LOCAL_DATA_DIR, which another terminal does not have unless it is given.
const local = process.env.LOCAL_DATA_DIR === undefined ? "" : `LOCAL_DATA_DIR=${shellQuote(dataDir)} `;
// A person signs in (the front sets a session cookie, as App Service does) and needs no key at all.
const developer = stack.easyAuth?.sign({ name: process.env.USER ?? "developer", roles: [] }) ?? "";
const signIn = `${stack.host.baseUrl}/.auth/login/local?token=${developer}&post_login_redirect_uri=/api/console/`;
console.log(`
aks-provisioning-api is running locally.

  API         ${stack.apiBaseUrl}        (OpenAPI: ${stack.apiBaseUrl}/openapi.json)
  console     ${signIn}
              (signs you in as a test principal; the console then runs on that session alone)
  API key     ${stack.apiKey}   (x-api-key: the local machine caller; CALLER_KEYS gives it every group)
              (${keyOrigin})
  Azure       simulated at ${stack.simulator.url} (time scale ${timeScale}; CA ${stack.simulator.caCertPath})
  state       Azurite and the simulated Azure, in ${dataDir}
  Durable     ${describeEngine(engine)}

Provision the seed-1 cluster (Azure CNI with a pod subnet) as a machine caller:

  curl -s -X POST ${stack.apiBaseUrl}/clusters -H "x-api-key: ${stack.apiKey}" \\
       -H "content-type: application/json" --data @${example}

then poll the statusUrl it returns, or let the CLI follow it. Easy Auth is played in front of the app: a person's
call carries a signed test principal (npm run principal -- alice@contoso.example --role Aks.TeamA) and no key;
ACCESS_POLICY, when set, maps its roles to the subscriptions and resource groups it may use (docs/access.md):

  curl -s ${stack.apiBaseUrl}/clusters -H "authorization: Bearer $(${local}npm run -s principal -- alice@contoso.example)"

Or follow a run with the CLI:

  export AKS_PROVISIONING_URL=${stack.apiBaseUrl.replace(/\/api$/, "")} AKS_PROVISIONING_KEY=${stack.apiKey}
  npm run cli -- create -f docs/examples/pod-subnet.json --wait

Once it has succeeded, kubectl and az (Debian's azure-cli 2.45 works) reach it from any terminal in this checkout
(docs/local-stack.md walks through both):

  ${local}npm run -s kubeconfig -- rg-aks-podsubnet aks-podsubnet > ~/aks-podsubnet.kubeconfig
  KUBECONFIG=~/aks-podsubnet.kubeconfig kubectl get nodes -o wide
  eval "$(${local}npm run -s az-login)"
  az aks show -g rg-aks-podsubnet -n aks-podsubnet -o table

(az-login on its own prints those az commands, with the URL, CA, client id, secret and tenant, to paste.)

Ctrl-C stops Azurite, the simulator and the host.
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  void stack
    .close()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
};
process.on("SIGINT", () => stop("SIGINT"));
// `npm start` killed (even by SIGKILL) leaves this process re-parented: stop with it rather than run on unseen.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop("parent process exited");
}, 1_000).unref();
process.on("SIGTERM", () => stop("SIGTERM"));
