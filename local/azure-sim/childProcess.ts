/**
 * The simulator in a process of its own (`dist/local/azure-sim/main.js`), as Azure runs on other machines than the
 * app: a benchmark that shares one event loop between the app and a hundred simulated API servers measures the
 * simulator's CPU as the app's. The control API is reached over HTTPS, as any client of `npm run sim` reaches it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RequestLogEntry, SimulatorConfig, SimulatorEndpoint } from "./index.js";

export interface SimulatorProcess {
  endpoint: SimulatorEndpoint;
  pid: number;
  requestLog(): Promise<RequestLogEntry[]>;
  config(): Promise<SimulatorConfig>;
  close(): Promise<void>;
}

const here = fileURLToPath(new URL(".", import.meta.url));
// Loaded from source (the tests import TypeScript), the process to start is still the built one.
const mainScript = existsSync(join(here, "main.js"))
  ? join(here, "main.js")
  : join(here, "../../dist/local/azure-sim/main.js");

function controlGet<T>(endpoint: SimulatorEndpoint, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint.url}${path}`, { ca: endpoint.caCertPem }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (response.statusCode !== 200) reject(new Error(`simulator ${path}: ${response.statusCode} ${text}`));
        else resolve(JSON.parse(text) as T);
      });
    });
    req.on("error", reject);
    req.end();
  });
}

export async function startSimulatorProcess(options: {
  timeScale: number;
  config?: Partial<SimulatorConfig>;
}): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    [
      mainScript,
      "--port",
      "0",
      "--time-scale",
      String(options.timeScale),
      "--cert-dir",
      mkdtempSync(join(tmpdir(), "azure-sim-")),
      "--config",
      JSON.stringify(options.config ?? {}),
      "--json",
      "--exit-with-parent",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const endpoint = await new Promise<SimulatorEndpoint>((resolve, reject) => {
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((each) => each.startsWith("{"));
      if (line === undefined || !out.includes("\n")) return;
      child.stdout.off("data", onData);
      resolve(JSON.parse(line) as SimulatorEndpoint);
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the simulator process exited (${code}) before listening`)));
  });
  // Later output (its --verbose log, if any) must not fill the pipe and stall it.
  child.stdout.resume();
  return {
    endpoint,
    pid: child.pid ?? 0,
    requestLog: () => controlGet<RequestLogEntry[]>(endpoint, "/_sim/requests"),
    config: () => controlGet<SimulatorConfig>(endpoint, "/_sim/config"),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
