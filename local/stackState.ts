/**
 * Where `npm start` keeps its state, and what the helper scripts (kubeconfig, az-login, principal) read from it, so a
 * second terminal finds the running stack with no more than the LOCAL_DATA_DIR that started it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stateFileName, type PersistedState } from "./azure-sim/persistence.js";
import { simulatorClientId, simulatorTenantId } from "./azure-sim/state.js";

/** The checkout (this file runs as dist/local/stackState.js). */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

type Env = Record<string, string | undefined>;

/** The stack's state folder: LOCAL_DATA_DIR (relative to the checkout, where npm runs scripts), else `.azurite`. */
export function stackDataDir(env: Env = process.env, root = repoRoot): string {
  const configured = env.LOCAL_DATA_DIR;
  return resolve(root, configured === undefined || configured === "" ? ".azurite" : configured);
}

/** The simulator's state folder: AZURE_SIM_STATE_DIR when set, else `azure-sim` inside the stack's. */
export function simulatorStateDir(env: Env = process.env, root = repoRoot): string {
  const configured = env.AZURE_SIM_STATE_DIR;
  if (configured !== undefined && configured !== "") return resolve(root, configured);
  return join(stackDataDir(env, root), "azure-sim");
}

/** What a client needs to reach and log in to the simulator a stack persisted. */
export interface SimulatorLogin {
  url: string;
  caCertPath: string;
  caCertPem: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** The login of the simulator persisted in `directory`, or null when none ever ran there. */
export function readSimulatorLogin(directory: string): SimulatorLogin | null {
  const file = join(directory, stateFileName);
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, "utf8")) as PersistedState;
  return {
    url: `https://localhost:${state.port}`,
    caCertPath: join(directory, "ca.pem"),
    caCertPem: state.certificates.caCertPem,
    tenantId: simulatorTenantId,
    clientId: simulatorClientId,
    clientSecret: state.clientSecret,
  };
}

/** The one-line answer when there is no simulator state where a helper script looked. */
export function noStateMessage(directory: string): string {
  return (
    `No local stack state in ${directory}. Start the stack with npm start, or, if it runs with LOCAL_DATA_DIR, ` +
    "give this command the same LOCAL_DATA_DIR."
  );
}

/**
 * A secret made once per state folder and read back on every start (the function key, the Easy Auth signing key), so
 * what a user exported or bookmarked keeps working across restarts.
 */
export function keptSecret(folder: string, fileName: string, bytes: number): string {
  const path = join(folder, fileName);
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(folder, { recursive: true });
  const secret = randomBytes(bytes).toString("base64url");
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}
