/**
 * The README's first command as a user runs it: `npm start`'s entry point in a child process, then the CLI provisions
 * through it with --wait, then Ctrl-C stops everything it started.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/ports.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let stack: ChildProcess | undefined;

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, "dist/src/cli/bin.js"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, CI: "true" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function descendants(pid: number): number[] {
  try {
    const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  // A failed run must not leave Azurite behind: stop the stack politely, then anything it started.
  if (stack?.exitCode === null && stack.pid !== undefined) {
    const started = descendants(stack.pid);
    stack.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const pid of [stack.pid, ...started]) if (alive(pid)) process.kill(pid, "SIGKILL");
  }
});

describe("npm start + the CLI", () => {
  it("starts the stack, provisions with --wait, and stops every process on Ctrl-C", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const key = "stack-test-key";
    stack = spawn(process.execPath, [join(repoRoot, "dist/local/start.js")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        AKS_PROVISIONING_KEY: key,
        SIM_TIME_SCALE: "0.002",
        CLUSTER_POLL_INTERVAL_SECONDS: "1",
        FEATURE_POLL_INTERVAL_SECONDS: "1",
        LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), "stack-azurite-")),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let banner = "";
    stack.stdout?.on("data", (chunk: Buffer) => (banner += chunk.toString()));
    const until = Date.now() + 60_000;
    while (
      !(await fetch(`${url}/api/health`)
        .then((r) => r.ok)
        .catch(() => false))
    ) {
      if (Date.now() > until || stack.exitCode !== null) throw new Error(`stack did not come up: ${banner}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(banner).toContain(`${url}/api`);
    expect(banner).toContain(key);
    expect(banner).toContain("curl -s -X POST");
    expect(banner).toContain(`${url}/api/console/#key=${key}`);
    const page = await fetch(`${url}/api/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");

    const invalid = await runCli([
      "--url",
      url,
      "--key",
      key,
      "plan",
      "-f",
      join(repoRoot, "test/stack/undersized-request.json"),
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("subnet-too-small");

    const created = await runCli([
      "--url",
      url,
      "--key",
      key,
      "create",
      "-f",
      join(repoRoot, "docs/examples/overlay.json"),
      "--wait",
      "--poll-interval",
      "0.3",
      "--timeout",
      "120",
    ]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/✓ cluster\s+succeeded/);
    expect(created.stdout).toContain("PASSED: 3 nodes");
    expect(created.stdout).toMatch(/coredns-\S+\s+\d+\.\d+\.\d+\.\d+\s+pod-cidr\s+pod-cidr\s+ok/);

    const wrongKey = await runCli(["--url", url, "--key", "nope", "list"]);
    expect(wrongKey.code).toBe(3);

    const children = descendants(stack.pid ?? 0);
    expect(children.length).toBeGreaterThan(0); // Azurite
    stack.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => stack?.once("exit", resolve));
    expect(code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(children.filter(alive)).toEqual([]);
  }, 120_000);
});
