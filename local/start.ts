/**
 * `npm start`: the whole local stack (Azurite + Azure simulator + local Functions host), wired together, with the API
 * URL, the function key and a ready-to-paste example. Ctrl-C stops all three.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { StateFolderInUseError } from "./host/azurite.js";
import { PortInUseError } from "./host/index.js";
import { repoRoot, startStack } from "./stack.js";

const port = Number(process.env.PORT ?? "7071");
const apiKey = process.env.AKS_PROVISIONING_KEY ?? randomBytes(18).toString("base64url");
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
const dataDir = process.env.LOCAL_DATA_DIR ?? join(repoRoot, ".azurite");
const stack = await startStack({
  port,
  apiKey,
  timeScale,
  env,
  dataDir,
  easyAuth: true,
  ...(verbose ? { log: (line: string) => console.log(line) } : {}),
}).catch((error: unknown) => {
  if (!(error instanceof PortInUseError || error instanceof StateFolderInUseError)) throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
const example = join(repoRoot, "docs/examples/pod-subnet.json");
// A person signs in (the front sets a session cookie, as App Service does) and needs no key at all.
const developer = stack.easyAuth?.sign({ name: process.env.USER ?? "developer", roles: [] }) ?? "";
const signIn = `${stack.host.baseUrl}/.auth/login/local?token=${developer}&post_login_redirect_uri=/api/console/`;
console.log(`
aks-provisioning-api is running locally.

  API         ${stack.apiBaseUrl}        (OpenAPI: ${stack.apiBaseUrl}/openapi.json)
  console     ${signIn}
              (signs you in as a test principal; the console then runs on that session alone)
  API key     ${stack.apiKey}   (x-api-key: the local machine caller; CALLER_KEYS gives it every group)
  Azure       simulated at ${stack.simulator.url} (time scale ${timeScale}; CA ${stack.simulator.caCertPath})
  state       Azurite, data in ${dataDir}

Provision the seed-1 cluster (Azure CNI with a pod subnet) as a machine caller:

  curl -s -X POST ${stack.apiBaseUrl}/clusters -H "x-api-key: ${stack.apiKey}" \\
       -H "content-type: application/json" --data @${example}

then poll the statusUrl it returns, or let the CLI follow it. Easy Auth is played in front of the app: a person's
call carries a signed test principal (npm run principal -- alice@contoso.example --role Aks.TeamA) and no key;
ACCESS_POLICY, when set, maps its roles to the subscriptions and resource groups it may use (docs/access.md):

  curl -s ${stack.apiBaseUrl}/clusters -H "authorization: Bearer $(npm run -s principal -- alice@contoso.example)"

Or follow a run with the CLI:

  export AKS_PROVISIONING_URL=${stack.apiBaseUrl.replace(/\/api$/, "")} AKS_PROVISIONING_KEY=${stack.apiKey}
  npm run cli -- create -f docs/examples/pod-subnet.json --wait

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
