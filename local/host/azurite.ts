/**
 * Starts Azurite (blob, queue and table) as a child process for the local stack and the restart tests, on free
 * loopback ports, with telemetry off. Only the process this started is ever stopped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { freePort } from "../ports.js";

export interface AzuriteOptions {
  /** Persist data here (kept across restarts); omit for in-memory. */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface Azurite {
  connectionString: string;
  tableEndpoint: string;
  pid: number | undefined;
  close(): Promise<void>;
}

// The well-known development account key Azurite documents; it is not a secret.
const devAccount = "devstoreaccount1";
const devKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`Azurite did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function azuriteEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const [blobPort, queuePort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    azuriteEntry(),
    "--silent",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--loose",
    "--blobHost",
    "127.0.0.1",
    "--blobPort",
    String(blobPort),
    "--queueHost",
    "127.0.0.1",
    "--queuePort",
    String(queuePort),
    "--tableHost",
    "127.0.0.1",
    "--tablePort",
    String(tablePort),
  ];
  if (options.dataDir === undefined) {
    args.push("--inMemoryPersistence");
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    args.push("--location", options.dataDir);
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => options.log?.(`azurite: ${chunk.toString().trim()}`));
  child.stderr?.on("data", (chunk: Buffer) => options.log?.(`azurite: ${chunk.toString().trim()}`));
  try {
    await waitForPort(tablePort, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const tableEndpoint = `http://127.0.0.1:${tablePort}/${devAccount}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${devAccount};AccountKey=${devKey};BlobEndpoint=http://127.0.0.1:${blobPort}/${devAccount};QueueEndpoint=http://127.0.0.1:${queuePort}/${devAccount};TableEndpoint=${tableEndpoint};`,
    tableEndpoint,
    pid: child.pid,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
