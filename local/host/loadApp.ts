/** Loads a Functions app the way the Node worker does: every file matched by package.json "main". */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export interface HostJson {
  routePrefix: string;
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  /** The Azure Storage provider's settings for the real extension: local defaults, then host.json's. */
  storageProvider: Record<string, string>;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
}

export function appFiles(appRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(appRoot, "package.json"), "utf8")) as { main?: string };
  const main = pkg.main ?? "index.js";
  if (!main.includes("*")) return [resolve(appRoot, main)];
  const directory = resolve(appRoot, dirname(main));
  if (!existsSync(directory))
    throw new Error(`The app's main '${main}' matches nothing: ${directory} does not exist (run the build first)`);
  const matcher = globToRegExp(main.split("/").pop() ?? "*");
  return readdirSync(directory)
    .filter((file) => matcher.test(file))
    .sort()
    .map((file) => join(directory, file));
}

export async function loadApp(appRoot: string): Promise<string[]> {
  const files = appFiles(appRoot);
  for (const file of files) await import(pathToFileURL(file).href);
  return files;
}

/**
 * Shorter than Azure's defaults, for one machine: idle queues are polled at least every second (30 s in Azure), and a
 * message a killed host had taken comes back after a minute (5 in Azure; 1 is the extension's least), so a restarted
 * `npm start` resumes soon.
 * An activity that runs longer keeps its message: DTFx renews it while the activity runs.
 */
const localStorageProvider = {
  maxQueuePollingInterval: "00:00:01",
  controlQueueVisibilityTimeout: "00:01:00",
  workItemQueueVisibilityTimeout: "00:01:00",
};

/** `%NAME%` in host.json is an app-setting reference, resolved from the environment as the host does. */
function substitute(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => env[name] ?? "");
}

export function readHostJson(appRoot: string, env: NodeJS.ProcessEnv): HostJson {
  const path = join(appRoot, "host.json");
  const raw = existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as {
        extensions?: {
          http?: { routePrefix?: string };
          durableTask?: {
            hubName?: string;
            maxConcurrentActivityFunctions?: number;
            maxConcurrentOrchestratorFunctions?: number;
            storageProvider?: Record<string, unknown>;
          };
        };
      })
    : {};
  const hubName = substitute(raw.extensions?.durableTask?.hubName ?? "TestHubName", env) || "TestHubName";
  return {
    routePrefix: raw.extensions?.http?.routePrefix ?? "api",
    hubName,
    maxConcurrentActivityFunctions: raw.extensions?.durableTask?.maxConcurrentActivityFunctions ?? 10,
    maxConcurrentOrchestratorFunctions: raw.extensions?.durableTask?.maxConcurrentOrchestratorFunctions ?? 10,
    storageProvider: {
      ...localStorageProvider,
      ...Object.fromEntries(
        Object.entries(raw.extensions?.durableTask?.storageProvider ?? {}).map(([name, value]) => [
          name,
          String(value),
        ]),
      ),
    },
  };
}

/** local.settings.json "Values", as `func start` loads them. */
export function readLocalSettings(appRoot: string): Record<string, string> {
  const path = join(appRoot, "local.settings.json");
  if (!existsSync(path)) return {};
  const settings = JSON.parse(readFileSync(path, "utf8")) as { Values?: Record<string, string> };
  return settings.Values ?? {};
}
