/**
 * The zip `azd deploy` would upload (tools/package: what .funcignore keeps, production dependencies only), unpacked
 * into an empty folder outside the repository and started there by the local Functions host against the Azure
 * simulator: it must answer its health check, plan a cluster and provision it, with nothing from the repository's
 * node_modules, sources or tooling to lean on. Built from dist/ as `npm test` builds it first.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { freePort } from "../../local/ports.js";
import { localAppSettings, localCallerKeys, localSimulatorConfig } from "../../local/stack.js";
import { repoRoot } from "../../tools/infra/bicep.js";
import { buildPackage, megabytes, type DeploymentPackage } from "../../tools/package/build.js";

const work = mkdtempSync(join(tmpdir(), "deployment-package-"));
const appRoot = join(work, "wwwroot");
const functionKey = "package-test-key";
// The machine caller the API identifies (x-api-key), reaching every subscription and group, as on the local stack.
const apiKey = "package-test-api-key-0123456789abcdef";
const timeScale = 0.002;
let built: DeploymentPackage;
let simulator: AzureSimulator | undefined;
let host: ChildProcess | undefined;
let hostOutput = "";
let baseUrl = "";

beforeAll(async () => {
  built = await buildPackage(repoRoot, join(work, "app.zip"));
  console.log(
    `deployment package: zip ${megabytes(built.zipBytes)}, unpacked ${megabytes(built.unpackedBytes)}, ` +
      `${built.appFiles.length} app files, ${built.dependencies.length} production packages`,
  );
  mkdirSync(appRoot);
  execFileSync("unzip", ["-q", built.zipPath, "-d", appRoot]);
  simulator = await startAzureSimulator({
    port: 0,
    timeScale,
    certDir: join(work, "sim"),
    ...localSimulatorConfig,
  });
  const port = await freePort();
  // The host is the repository's (local/ is not deployed); the app, its node_modules and host.json are the zip's.
  host = spawn(
    process.execPath,
    [join(repoRoot, "dist/local/host/main.js"), "--app-root", appRoot, "--port", `${port}`],
    {
      cwd: appRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        FUNCTIONS_KEY: functionKey,
        ...localAppSettings(simulator, timeScale),
        CALLER_KEYS: localCallerKeys(apiKey),
        CLUSTER_POLL_INTERVAL_SECONDS: "1",
        FEATURE_POLL_INTERVAL_SECONDS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  host.stdout?.on("data", (chunk: Buffer) => (hostOutput += chunk.toString()));
  host.stderr?.on("data", (chunk: Buffer) => (hostOutput += chunk.toString()));
  baseUrl = `http://127.0.0.1:${port}/api`;
  const until = Date.now() + 60_000;
  while (
    !(await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > until || host.exitCode !== null) throw new Error(`the packaged app did not start: ${hostOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 600_000);

afterAll(async () => {
  if (host !== undefined && host.exitCode === null) {
    const exited = new Promise((resolve) => host?.once("exit", resolve));
    host.kill("SIGTERM");
    await exited;
  }
  await simulator?.close();
  rmSync(work, { recursive: true, force: true });
});

async function api(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { "x-functions-key": functionKey, "x-api-key": apiKey, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("the deployment package", () => {
  it("holds the built app, host.json and the console, and no sources, tests, local tools, infra, docs or CLI", () => {
    for (const file of ["host.json", "package.json", "package-lock.json", "console/index.html"])
      expect(built.appFiles).toContain(file);
    expect(built.appFiles).toContain("dist/src/functions/http.js");
    const outside = built.appFiles.filter(
      (file) =>
        !/^(dist\/src\/|console\/)/.test(file) && !["host.json", "package.json", "package-lock.json"].includes(file),
    );
    expect(outside).toEqual([]);
    expect(built.appFiles.filter((file) => /\.(ts|map|bicep)$|^dist\/src\/cli\//.test(file))).toEqual([]);
  });

  it("carries every production dependency and no development one", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const name of Object.keys(pkg.dependencies))
      expect(existsSync(join(appRoot, "node_modules", name, "package.json")), name).toBe(true);
    const production = new Set(built.dependencies.map((d) => d.name));
    for (const name of ["vitest", "typescript", "azurite", "eslint", "playwright-core", "prettier", "fast-check"]) {
      expect(Object.keys(pkg.devDependencies)).toContain(name);
      expect(production.has(name), name).toBe(false);
    }
  });

  it("is measured: a zip of tens of MiB, not the hundreds a dev install would be", () => {
    expect(built.zipBytes).toBeGreaterThan(1024 * 1024);
    expect(built.zipBytes).toBeLessThan(80 * 1024 * 1024);
  });

  it("boots from its own folder and answers its health check", async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("plans a cluster", async () => {
    const body = JSON.parse(readFileSync(join(repoRoot, "docs/examples/pod-subnet.json"), "utf8")) as object;
    const plan = await api("/plans", { method: "POST", body });
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.valid, JSON.stringify(plan.body.violations)).toBe(true);
  });

  it("provisions a cluster end to end against the simulator", async () => {
    const body = JSON.parse(readFileSync(join(repoRoot, "docs/examples/pod-subnet.json"), "utf8")) as object;
    const started = await api("/clusters", { method: "POST", body });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const until = Date.now() + 120_000;
    let document: Record<string, any> = {};
    while (!["Succeeded", "Failed", "Canceled"].includes(document.status as string)) {
      if (Date.now() > until) throw new Error(`timed out: ${JSON.stringify(document).slice(0, 1500)}\n${hostOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const read = await api(`/clusters/${started.body.id as string}`);
      expect(read.status).toBe(200);
      document = read.body;
    }
    expect(document.status, JSON.stringify(document.error)).toBe("Succeeded");
    expect(document.ipVerification?.passed).toBe(true);
  }, 150_000);
});
