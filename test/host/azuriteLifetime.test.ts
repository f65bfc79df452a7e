/**
 * Azurite never outlives the process that started it; a start on a data folder stops an Azurite left there by a start
 * that died, and refuses a folder whose Azurite belongs to a process still running: two Azurites never write the same
 * files, and a second `npm start` never pulls the storage from under a first (audit D10).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { StateFolderInUseError, startAzurite, type Azurite } from "../../local/host/azurite.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "azurite-lifetime-"));
const launchers: ChildProcess[] = [];
let ours: Azurite | undefined;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

/** A separate node process that starts Azurite on `dataDir` and reports its pid, as `npm start` does. */
async function launcher(dataDir: string): Promise<{ child: ChildProcess; azuritePid: number }> {
  const script = `import { startAzurite } from ${JSON.stringify(join(repoRoot, "dist/local/host/azurite.js"))};
    const azurite = await startAzurite({ dataDir: ${JSON.stringify(dataDir)} });
    console.log(String(azurite.pid));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  launchers.push(child);
  const azuritePid = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once("exit", (code) => reject(new Error(`launcher exited (${code})`)));
  });
  return { child, azuritePid };
}

async function until(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return probe();
}

afterAll(async () => {
  for (const child of launchers) if (child.exitCode === null) child.kill("SIGKILL");
  await ours?.close();
});

describe("Azurite lifetime", () => {
  it("stops when the process that started it is SIGKILLed", async () => {
    const dataDir = join(work, "killed-parent");
    const { child, azuritePid } = await launcher(dataDir);
    expect(alive(azuritePid)).toBe(true);
    expect(readFileSync(join(dataDir, "azurite.pid"), "utf8").trim()).toBe(String(azuritePid));
    child.kill("SIGKILL");
    expect(await until(() => !alive(azuritePid), 10_000)).toBe(true);
  });

  it("refuses a data folder whose Azurite belongs to a process still running, and leaves that Azurite alone", async () => {
    const dataDir = join(work, "in-use");
    const { child, azuritePid } = await launcher(dataDir);
    await expect(startAzurite({ dataDir })).rejects.toThrow(
      new StateFolderInUseError(
        `${dataDir} is in use by another running stack (pid ${child.pid}): stop it first, or set LOCAL_DATA_DIR to another folder`,
      ),
    );
    expect(alive(azuritePid)).toBe(true);
    expect(readFileSync(join(dataDir, "azurite.pid"), "utf8").trim()).toBe(String(azuritePid));
    child.kill("SIGKILL");
    expect(await until(() => !alive(azuritePid), 10_000)).toBe(true);
  });

  it("stops a leftover Azurite recorded in the data folder before starting its own", async () => {
    const dataDir = join(work, "leftover");
    const { child, azuritePid } = await launcher(dataDir);
    // Its owner gone, this Azurite is a leftover (whether or not it has begun stopping itself yet).
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    ours = await startAzurite({ dataDir });
    expect(alive(azuritePid)).toBe(false);
    expect(ours.pid).not.toBe(azuritePid);
    expect(readFileSync(join(dataDir, "azurite.pid"), "utf8").trim()).toBe(String(ours.pid));
    await ours.close();
    ours = undefined;
    expect(existsSync(join(dataDir, "azurite.pid"))).toBe(false);
  });
});
