/**
 * The README's first command as a user runs it: `npm start`'s entry point in a child process, then the CLI provisions
 * through it with --wait, then Ctrl-C stops everything it started.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/ports.js";
import {
  alive,
  descendants,
  killEverything,
  repoRoot,
  startStackProcess,
  stopStackProcess,
  testStackEnv,
  type StartedStack,
} from "./stackProcess.js";

let started: StartedStack | undefined;

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, "dist/cli/src/bin.js"), ...args], {
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

afterAll(async () => {
  // A failed run must not leave Azurite behind: stop the stack politely, then anything it started.
  await killEverything(started);
});

describe("npm start + the CLI", () => {
  it("starts the stack, provisions with --wait, and stops every process on Ctrl-C", async () => {
    const key = "stack-test-key";
    started = await startStackProcess(testStackEnv(key), await freePort());
    const { url } = started;
    const stack = started.process;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const banner = started.banner();
    expect(banner).toContain(`${url}/api`);
    expect(banner).toContain(key);
    expect(banner).toContain("curl -s -X POST");
    const page = await fetch(`${url}/api/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    // The console link signs a person in; from then on the session cookie alone carries them, no key.
    const signIn = /(http:\S+\/\.auth\/login\/local\?\S+)/.exec(banner)?.[1] ?? "";
    expect(signIn).toContain("post_login_redirect_uri=/api/console/");
    const session = await fetch(signIn, { redirect: "manual" });
    expect(session.status).toBe(302);
    expect(session.headers.get("location")).toBe("/api/console/");
    const cookie = (session.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect((await fetch(`${url}/api/clusters`)).status).toBe(401);
    expect((await fetch(`${url}/api/clusters`, { headers: { cookie } })).status).toBe(200);

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
    expect(await stopStackProcess(started, "SIGINT")).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(children.filter(alive)).toEqual([]);
  }, 120_000);

  it("refuses a second npm start on the same state folder in one line, and the first keeps its storage", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "stack-shared-"));
    const key = "shared-folder-key";
    started = await startStackProcess(
      { AKS_PROVISIONING_KEY: key, SIM_TIME_SCALE: "0.002", LOCAL_DATA_DIR: dataDir },
      await freePort(),
    );
    const second = spawn(process.execPath, [join(repoRoot, "dist/local/start.js")], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(await freePort()), LOCAL_DATA_DIR: dataDir },
    });
    let stderr = "";
    second.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise<number | null>((resolve) => second.once("exit", resolve))).toBe(1);
    expect(stderr.trim()).toBe(
      `npm start: ${dataDir} is in use by another running stack (pid ${started.process.pid}): stop it first, or set LOCAL_DATA_DIR to another folder`,
    );
    // The first stack's runs are still readable: its Azurite was left alone.
    const list = await fetch(`${started.url}/api/clusters`, { headers: { "x-api-key": key } });
    expect(list.status).toBe(200);
    expect(await stopStackProcess(started, "SIGINT")).toBe(0);
  }, 120_000);

  it("says in one line that PORT is taken, exits 1 and leaves nothing running", async () => {
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    try {
      const child = spawn(process.execPath, [join(repoRoot, "dist/local/start.js")], {
        cwd: repoRoot,
        env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), "stack-busy-")) },
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const seen = new Set<number>();
      const watch = setInterval(() => descendants(child.pid ?? 0).forEach((pid) => seen.add(pid)), 100);
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      clearInterval(watch);
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `npm start: port ${port} on 127.0.0.1 is already in use: stop what holds it, or set PORT`,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([...seen].filter(alive), "Azurite outlived the failed start").toEqual([]);
    } finally {
      holder.close();
    }
  }, 60_000);
});
