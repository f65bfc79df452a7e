/**
 * `node dist/portals/port/main.js`: the Port backend as a small service (a container or an App Service beside the
 * Function app). Its settings come from the environment; secrets are read, never printed.
 */
import { createPortAdapter } from "./adapter.js";
import { ClusterApi } from "./clusterApi.js";
import { PortApi } from "./portApi.js";

function setting(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === "") throw new Error(`${name} is required`);
  return value;
}

const clientSecret = setting("PORT_CLIENT_SECRET");
const adapter = createPortAdapter({
  port: new PortApi({
    baseUrl: setting("PORT_API_URL", "https://api.getport.io"),
    clientId: setting("PORT_CLIENT_ID"),
    clientSecret,
  }),
  api: new ClusterApi({ baseUrl: setting("AKS_API_URL"), apiKey: setting("AKS_API_KEY") }),
  webhookSecret: setting("PORT_WEBHOOK_SECRET", clientSecret),
  toleranceSeconds: Number(setting("PORT_SIGNATURE_TOLERANCE_SECONDS", "300")),
  blueprint: setting("PORT_BLUEPRINT", "aksCluster"),
  pollMs: Number(setting("PORT_POLL_SECONDS", "10")) * 1000,
  timeoutMs: Number(setting("PORT_RUN_TIMEOUT_MINUTES", "90")) * 60_000,
  log: (line) => console.log(line),
});
const listenPort = Number(setting("PORT", "8080"));
adapter.server.listen(listenPort, () => console.log(`port-adapter: listening on :${listenPort}`));
