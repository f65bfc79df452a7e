/**
 * The CLI as a pipeline gets it: today's sources built and packed with `npm pack` under its own package.json (cli/:
 * bin, files, commander as its one dependency), run with `npx --package <tarball>`, and the provision-aks action's script run the way the runner runs it
 * (inputs as environment variables, a $GITHUB_OUTPUT file) against an API on a local port.
 * Slow by nature (a build and an npm install): one install serves every case. npm runs offline here: the CLI's
 * dependencies come from npm's cache, which `npm run prepare:test` fills, so no test waits on a registry.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeApi, problem, statusDocument } from "./fakeApi.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const actionDir = join(repoRoot, ".github/actions/provision-aks");
const cliDir = join(repoRoot, "cli");
const work = mkdtempSync(join(tmpdir(), "cli-package-"));
const id = "sub1-rg1-aks1";

function exec(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? work,
      env: { ...process.env, npm_config_update_notifier: "false", npm_config_offline: "true", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let tarball = "";
let packedFiles: string[] = [];
let api: FakeApi;

beforeAll(async () => {
  // Build the CLI package's sources as they are now into a scratch copy of the package, so a stale cli/dist cannot
  // make this pass and nothing in the repository is rewritten under other tests' feet.
  const pkg = join(work, "pkg");
  mkdirSync(pkg, { recursive: true });
  const built = await exec(process.execPath, [join(cliDir, "build.js"), join(pkg, "dist")]);
  expect(built.code, built.stderr).toBe(0);
  for (const file of ["package.json", "README.md"]) copyFileSync(join(cliDir, file), join(pkg, file));

  const packed = await exec("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: pkg });
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info?.filename ?? "");
  packedFiles = info?.files.map((f) => f.path) ?? [];
  api = await new FakeApi().start();
}, 240_000);

afterAll(async () => {
  await api?.close();
});

/** `npx --package <tarball> aks-provision …`, as docs/pipelines.md tells a pipeline to run it. */
const npxCli = (...args: string[]) =>
  exec("npx", ["--yes", "--package", tarball, "aks-provision", ...args], {
    env: { AKS_PROVISIONING_URL: api.url, CI: "true" },
  });

describe("npm pack", () => {
  it("packs the CLI as its own package: its bin, its compiled modules and its README, no sources or tests", () => {
    expect(tarball).toMatch(/aks-provisioning-api-cli-\d+\.\d+\.\d+\.tgz$/);
    expect(packedFiles).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/bin.js", "dist/main.js"]));
    expect(
      packedFiles.filter((f) => !/^dist\/[a-zA-Z]+\.js$/.test(f) && f !== "README.md" && f !== "package.json"),
    ).toEqual([]);
  });

  it("depends on commander alone, and no module of it reaches outside the package", () => {
    const manifest = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")) as Record<string, unknown>;
    expect(Object.keys(manifest.dependencies as object)).toEqual(["commander"]);
    expect(manifest.devDependencies).toBeUndefined();
    const relative = packedFiles
      .filter((f) => f.endsWith(".js"))
      .flatMap((f) =>
        [...readFileSync(join(work, "pkg", f), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1] ?? ""),
      )
      .filter((specifier) => !specifier.startsWith("./") && !specifier.startsWith("node:"));
    expect([...new Set(relative)]).toEqual(["commander"]);
  });

  it("runs with npx from the tarball: --help, and real calls with their exit codes", { timeout: 240_000 }, async () => {
    const help = await npxCli("--help");
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain("Usage: aks-provision");
    expect(help.stdout).toContain("8  --wait gave up after --timeout");

    api.on("GET", /^\/api\/clusters\/nope$/, problem(404, "Not Found", "No provisioning run with id 'nope'."));
    const missing = await npxCli("--output", "json", "status", "nope");
    expect(missing.code).toBe(5);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { exitCode: 5, status: 404 } });
  });
});

describe("the provision-aks composite action", () => {
  const action = parse(readFileSync(join(actionDir, "action.yml"), "utf8")) as {
    inputs: Record<string, { required?: boolean; default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { id?: string; run: string; env: Record<string, string> }[] };
  };

  it("is a composite action whose outputs come from its provision step", () => {
    expect(action.runs.using).toBe("composite");
    const step = action.runs.steps.find((s) => s.id === "provision");
    expect(step).toBeDefined();
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        "cluster-id",
        "cluster-resource-id",
        "node-resource-group-id",
        "status",
        "ip-verification",
        "ip-mismatches",
        "exit-code",
      ].sort(),
    );
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.value).toBe(`\${{ steps.provision.outputs.${name} }}`);
  });

  it("passes every input to its script as an environment variable, never inside the script text", () => {
    const step = action.runs.steps.find((s) => s.id === "provision");
    const passed = Object.values(step?.env ?? {}).join(" ");
    for (const input of Object.keys(action.inputs)) expect(passed).toContain(`\${{ inputs.${input} }}`);
    expect(step?.run).not.toContain("${{");
  });

  /** Runs provision.sh as the runner would, with the packed CLI; returns its exit code and $GITHUB_OUTPUT. */
  async function runAction(inputs: Record<string, string>) {
    const outputs = join(mkdtempSync(join(work, "gh-")), "output");
    writeFileSync(outputs, "");
    const request = join(work, "request.json");
    writeFileSync(request, JSON.stringify({ clusterName: "aks1" }));
    const result = await exec("bash", [join(actionDir, "provision.sh")], {
      env: {
        REQUEST: request,
        AKS_PROVISIONING_URL: api.url,
        AKS_PROVISIONING_KEY: "k",
        TIMEOUT_SECONDS: "30",
        IDEMPOTENCY_KEY: "",
        CLI_PACKAGE: tarball,
        GITHUB_OUTPUT: outputs,
        ...inputs,
      },
    });
    const values = Object.fromEntries(
      readFileSync(outputs, "utf8")
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    return { ...result, outputs: values };
  }

  it("creates, waits and exposes the cluster id and the IP verification", { timeout: 240_000 }, async () => {
    api.on("POST", /^\/api\/clusters$/, {
      status: 202,
      body: { id, status: "Pending", statusUrl: `${api.url}/api/clusters/${id}` },
      headers: { "retry-after": "0" },
    });
    api.statusSequence(id, [
      statusDocument(id, "Running"),
      statusDocument(id, "Succeeded", {
        resources: {
          clusterId: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1",
        },
        ipVerification: {
          passed: false,
          nodes: [{ name: "aks-node-0", ip: "10.9.9.9", expected: "node-subnet", actual: "outside", ok: false }],
          pods: [],
          summary: { nodes: 1, pods: 0, hostNetworkPods: 0, mismatches: 1, pendingPods: 0 },
        },
      }),
    ]);
    const result = await runAction({ IDEMPOTENCY_KEY: "run-7" });
    expect(result.code, result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({
      "cluster-id": id,
      status: "Succeeded",
      "cluster-resource-id":
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1",
      "ip-verification": "failed",
      "ip-mismatches": "1",
      "exit-code": "0",
    });
    expect(api.requests.find((r) => r.method === "POST")?.headers["idempotency-key"]).toBe("run-7");
    expect(result.stderr).toMatch(/✓ cluster\s+succeeded/);
  });

  it("fails the step with the CLI's exit code when the API refuses", { timeout: 240_000 }, async () => {
    api.on("POST", /^\/api\/clusters$/, problem(403, "Forbidden", "Subscription sub1 is not allowed."));
    const result = await runAction({});
    expect(result.code).toBe(4);
    expect(result.outputs["exit-code"]).toBe("4");
    expect(result.stderr).toContain("403 Forbidden: Subscription sub1 is not allowed.");
  });
});
