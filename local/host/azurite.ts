/**
 * Starts Azurite (blob, queue and table) as a child process for the local stack and the restart tests, on free
 * loopback ports, with telemetry off. Its lifetime is tied to ours: it stops itself when its parent dies (even by
 * SIGKILL), and with a data folder its pid is recorded there so the next start stops a leftover one before two
 * Azurites write the same files. Only an Azurite this code started (recorded pid, azurite command line) is stopped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { freePort } from "../ports.js";

export interface AzuriteOptions {
  /** Persist data here (kept across restarts); omit for in-memory. */
  dataDir?: string;
  /** Fixed ports (e.g. to restart on the same endpoints); free ports otherwise. */
  ports?: { blob: number; queue: number; table: number };
  log?: (line: string) => void;
}

export interface Azurite {
  connectionString: string;
  tableEndpoint: string;
  pid: number | undefined;
  ports: { blob: number; queue: number; table: number };
  /** Settles when the process exits, for whatever reason (close() included). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
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

const pidFileName = "azurite.pid";

/** Runs inside Azurite (node --import): when the process that started it is gone, its ppid changes; shut down. */
const parentWatch = `data:text/javascript,${encodeURIComponent(
  [
    "const parent = Number(process.env.AZURITE_PARENT_PID);",
    // Its stdout and stderr are pipes to the parent: once that is gone, a log line would raise EPIPE and kill Azurite
    // before its graceful close has saved the databases.
    "for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});",
    // Once only: Azurite handles one SIGTERM (a graceful close that saves its databases); a second one, with its
    // handler gone, would kill it mid-save and lose everything since the last autosave.
    "const watch = setInterval(() => {",
    "  if (process.ppid === parent) return;",
    "  clearInterval(watch);",
    "  process.kill(process.pid, 'SIGTERM');",
    "  setTimeout(() => process.exit(0), 30000).unref();",
    "}, 500);",
    "watch.unref();",
  ].join("\n"),
)}`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited child not yet reaped by its (new) parent is a zombie: it still answers signal 0 but is gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** True only for a live process whose command line is Azurite's (a recorded pid may have been reused since). */
function isAzurite(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("azurite");
  } catch {
    return false;
  }
}

/** Another live process (a second `npm start`, a test) holds this data folder: its Azurite is not a leftover. */
export class StateFolderInUseError extends Error {}

/**
 * The process that started this Azurite, while it is still that Azurite's parent; null once it is gone (a leftover
 * is re-parented, and stops itself within a second or is stopped here).
 */
function liveOwner(pid: number): number | null {
  try {
    const recorded = readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .find((entry) => entry.startsWith("AZURITE_PARENT_PID="));
    const owner = Number(recorded?.slice("AZURITE_PARENT_PID=".length));
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": the command may hold spaces and parentheses, so read after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(owner) && owner > 0 && owner === parent ? owner : null;
  } catch {
    return null;
  }
}

/** Stops an Azurite left running on this data folder by a start that was killed before it could stop it. */
export async function stopLeftoverAzurite(dataDir: string, log?: (line: string) => void): Promise<number | null> {
  const pidFile = join(dataDir, pidFileName);
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAzurite(pid)) {
    rmSync(pidFile, { force: true });
    return null;
  }
  const owner = liveOwner(pid);
  if (owner !== null && owner !== process.pid)
    throw new StateFolderInUseError(
      `${dataDir} is in use by another running stack (pid ${owner}): stop it first, or set LOCAL_DATA_DIR to another folder`,
    );
  log?.(`stopping leftover Azurite (pid ${pid}) on ${dataDir}`);
  process.kill(pid, "SIGTERM");
  // A graceful close saves Azurite's databases; give it time before forcing it.
  const until = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
  while (isAlive(pid) && Date.now() < until + 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
  rmSync(pidFile, { force: true });
  return pid;
}

function azuriteEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  if (options.dataDir !== undefined) await stopLeftoverAzurite(options.dataDir, options.log);
  const [blobPort, queuePort, tablePort] =
    options.ports === undefined
      ? [await freePort(), await freePort(), await freePort()]
      : [options.ports.blob, options.ports.queue, options.ports.table];
  const args = [
    "--import",
    parentWatch,
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
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AZURITE_PARENT_PID: String(process.pid) },
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and Azurite, given that SIGINT
    // and then close()'s SIGTERM, exits without saving what it holds in memory. Only close() (or the parent watch)
    // stops it, with one signal.
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const pidFile = options.dataDir === undefined ? undefined : join(options.dataDir, pidFileName);
  if (pidFile !== undefined && child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
  child.stdout?.on("data", (chunk: Buffer) => options.log?.(`azurite: ${chunk.toString().trim()}`));
  child.stderr?.on("data", (chunk: Buffer) => options.log?.(`azurite: ${chunk.toString().trim()}`));
  try {
    await waitForPort(tablePort, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    if (pidFile !== undefined) rmSync(pidFile, { force: true });
    throw error;
  }
  const tableEndpoint = `http://127.0.0.1:${tablePort}/${devAccount}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${devAccount};AccountKey=${devKey};BlobEndpoint=http://127.0.0.1:${blobPort}/${devAccount};QueueEndpoint=http://127.0.0.1:${queuePort}/${devAccount};TableEndpoint=${tableEndpoint};`,
    tableEndpoint,
    pid: child.pid,
    ports: { blob: blobPort, queue: queuePort, table: tablePort },
    exited,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          if (pidFile !== undefined) rmSync(pidFile, { force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          return;
        }
        child.once("exit", done);
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
