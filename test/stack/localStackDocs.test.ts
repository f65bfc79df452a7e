/**
 * The newcomer's path past curl: `npm start` with no key of the user's own, the CLI, kubectl and az lines its banner
 * prints, then every command block of docs/local-stack.md's kubectl and az sections, each run in bash exactly as
 * printed, from another terminal (its own HOME, none of the stack's variables but those the page says to set). The
 * stack is restarted in between: the API key, the az login and the kubeconfig must all still work.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/ports.js";
import {
  killEverything,
  repoRoot,
  startStackProcess,
  stopStackProcess,
  testStackEnv,
  type StartedStack,
} from "./stackProcess.js";

const installed = (tool: string) => {
  try {
    execFileSync(tool, ["version", ...(tool === "kubectl" ? ["--client"] : [])], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
};
const hasTools = installed("kubectl") && installed("az");

let current: StartedStack | undefined;
afterAll(async () => {
  await killEverything(current);
});

/** The indented command lines of the banner paragraph that follows the line containing `heading`. */
function bannerCommands(banner: string, heading: string): string[] {
  const lines = banner.split("\n");
  const start = lines.findIndex((line) => line.includes(heading));
  expect(start, `banner has no "${heading}"`).toBeGreaterThan(-1);
  const rest = lines.slice(start + 1);
  const first = rest.findIndex((line) => line.trim() !== "");
  const end = rest.findIndex((line, index) => index > first && line.trim() === "");
  return rest.slice(first, end).map((line) => line.trim());
}

/** The ```bash blocks of docs/local-stack.md between two headings. */
function docBlocks(from: string, to: string): string[] {
  const page = readFileSync(join(repoRoot, "docs/local-stack.md"), "utf8");
  const section = page.slice(page.indexOf(`\n${from}\n`), page.indexOf(`\n${to}\n`));
  expect(section.length, `docs/local-stack.md has no section ${from}`).toBeGreaterThan(0);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

/** A terminal of the user's: a fresh HOME and none of the variables a stack or an earlier session would have set. */
function terminal(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CI: "true", ...extra };
  for (const name of [
    "LOCAL_DATA_DIR",
    "AZURE_CONFIG_DIR",
    "REQUESTS_CA_BUNDLE",
    "KUBECONFIG",
    "AKS_PROVISIONING_URL",
    "AKS_PROVISIONING_KEY",
    "AZURE_SIM_STATE_DIR",
    "AZURE_SIM_URL",
  ])
    if (!(name in extra)) delete env[name];
  return env;
}

/** Runs lines in one bash, stopping at the first that fails; resolves with what it printed. */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", script], { cwd: repoRoot, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`exit ${String(code)} from:\n${script}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    });
  });
}

const keyIn = (banner: string) => /API key\s+(\S+)/.exec(banner)?.[1] ?? "";

async function listStatus(stack: StartedStack, key: string): Promise<number> {
  return (await fetch(`${stack.url}/api/clusters`, { headers: { "x-api-key": key } })).status;
}

describe.skipIf(!hasTools)("docs/local-stack.md and npm start's banner, as printed", () => {
  it("provisions, then kubectl and az work from what is printed, across restarts with the same key", async () => {
    const env = testStackEnv("");
    delete (env as Record<string, string | undefined>).AKS_PROVISIONING_KEY;
    const dataDir = env.LOCAL_DATA_DIR ?? "";
    const port = await freePort();
    const home = mkdtempSync(join(tmpdir(), "newcomer-home-"));

    current = await startStackProcess(env, port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const firstBanner = current.banner();
    const key = keyIn(firstBanner);
    expect(key).toMatch(/^[\w-]{20,}$/);
    expect(firstBanner).toContain(`kept in ${join(dataDir, "api.key")}`);

    // The banner's CLI lines, then its kubectl and az lines, in a terminal that has only what they say.
    const cli = bannerCommands(firstBanner, "Or follow a run with the CLI");
    expect(cli[0]).toMatch(/^export AKS_PROVISIONING_URL=\S+ AKS_PROVISIONING_KEY=\S+$/);
    const created = await bash(cli.join("\n"), terminal(home));
    expect(created).toContain("Succeeded: aks-podsubnet");
    const tools = bannerCommands(firstBanner, "docs/local-stack.md walks through both");
    expect(tools.join("\n")).toContain(`LOCAL_DATA_DIR=${dataDir} npm run -s az-login`);
    const fromBanner = await bash(tools.join("\n"), terminal(home));
    expect(fromBanner.match(/aks-system-\S+\s+Ready\s.*\s10\.243\.0\.\d+\s/g)).toHaveLength(3);
    expect(fromBanner).toMatch(/aks-podsubnet\s+eastus2\s+rg-aks-podsubnet\s+1\.33\s+Succeeded/);
    expect(await stopStackProcess(current, "SIGINT")).toBe(0);

    // Started again on the same folder with no key given: the same key, so what was exported still works.
    current = await startStackProcess(env, port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(keyIn(current.banner())).toBe(key);
    expect(await listStatus(current, key)).toBe(200);

    // The page's kubectl section, then its az section, in a terminal that exported LOCAL_DATA_DIR as the page says.
    const shell = terminal(home, { LOCAL_DATA_DIR: dataDir });
    const kubectl = await bash(docBlocks("## kubectl", "## az (azure-cli)").join("\n"), shell);
    expect(kubectl.match(/aks-system-\S+\s+Ready\s.*\s10\.243\.0\.\d+\s/g)).toHaveLength(3);
    expect(kubectl).toMatch(/coredns-\S+\s+1\/1\s+Running\s+\d+\s+\S+\s+10\.242\.\d+\.\d+\s/);
    expect(kubectl).toMatch(/web-service\s+LoadBalancer\s+10\.0\.\d+\.\d+\s+10\.243\.\d+\.\d+\s+80:/);

    const [login, ...azBlocks] = docBlocks("## az (azure-cli)", "## The web console");
    expect(login?.trim()).toBe('eval "$(npm run -s az-login)"');
    const printed = await bash("npm run -s az-login", shell);
    for (const part of ["https://localhost:", "ca.pem", "0a1b2c3d-", "sim-secret-", "72f988bf-"])
      expect(printed).toContain(part);
    const az = await bash([login, ...azBlocks].join("\n"), shell);
    expect(az).toMatch(/AzureSim\s+True\s+Azure simulator\s+Enabled/);
    expect(az).toMatch(/eastus2\s+id-aks-podsubnet\s+[\da-f-]+\s+rg-aks-podsubnet/);
    expect(az).toMatch(/PodSubnetPreview\s+NotRegistered/);
    expect(az).toMatch(/10\.243\.0\.0\/16\s+snet-nodes\s+Succeeded/);
    expect(az).toMatch(/10\.242\.0\.0\/16\s+snet-pods\s+Succeeded/);
    expect(az).toMatch(/system\s+Linux\s+1\.33\s+Standard_D2s_v5\s+3/);
    expect(az).toContain("/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7");
    expect(az.match(/aks-system-\S+\s+Ready/g)).toHaveLength(3);
    expect(await stopStackProcess(current, "SIGINT")).toBe(0);

    // Another key, chosen: the kept one no longer opens the API for that start.
    current = await startStackProcess({ ...env, AKS_PROVISIONING_KEY: "chosen-key" }, port);
    expect(await listStatus(current, "chosen-key")).toBe(200);
    expect(await listStatus(current, key)).toBe(401);
    expect(await stopStackProcess(current, "SIGINT")).toBe(0);
  }, 400_000);
});
