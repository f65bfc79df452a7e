/**
 * The real Bicep CLI, as restored from NuGet by `npm run infra:tools` (tools/bicep/bicep.csproj pins the version):
 * compile every template and parameters file, and evaluate a deployment locally (`bicep snapshot`) for given azd
 * environment values, which expands modules, conditions and loops with ARM's own template engine.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url).href.replace(/\/dist\/$/, "/"));
export const infraDir = join(repoRoot, "infra");
const toolsProject = join(repoRoot, "tools/bicep/bicep.csproj");
const packageId = "Azure.Bicep.CommandLine.linux-x64";

/** The version tools/bicep/bicep.csproj pins: the one place it is written. */
export function bicepVersion(): string {
  const project = readFileSync(toolsProject, "utf8");
  const pinned = new RegExp(`Include="${packageId.replace(/\./g, "\\.")}" Version="\\[([^\\]]+)\\]"`).exec(project);
  if (pinned?.[1] === undefined) throw new Error(`${toolsProject} pins no exact ${packageId} version`);
  return pinned[1];
}

export function bicepExecutable(): string {
  const version = bicepVersion();
  const path = join(repoRoot, "tools/bicep/packages", packageId.toLowerCase(), version, "tools/bicep");
  if (!existsSync(path)) throw new Error(`Bicep ${version} is not restored (${path}): run \`npm run infra:tools\``);
  return path;
}

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  level: "Error" | "Warning" | "Info";
  code: string;
  message: string;
}

/** Bicep's default diagnostics format: `path(line,col) : Level CODE: message`. */
export function parseDiagnostics(output: string): Diagnostic[] {
  return output.split("\n").flatMap((line) => {
    const match = /^(.+)\((\d+),(\d+)\) : (Error|Warning|Info) ([\w-]+): (.*)$/.exec(line.trim());
    if (match === null) return [];
    const [, file = "", row = "0", column = "0", level = "Error", code = "", message = ""] = match;
    return [
      {
        file: relative(repoRoot, file),
        line: Number(row),
        column: Number(column),
        level: level as Diagnostic["level"],
        code,
        message,
      },
    ];
  });
}

export interface BicepRun {
  code: number;
  stdout: string;
  stderr: string;
  diagnostics: Diagnostic[];
}

export function runBicep(args: string[], env: Record<string, string> = {}, cwd = repoRoot): Promise<BicepRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bicepExecutable(), args, {
      cwd,
      // No telemetry, and no first-run message about it on stderr.
      env: { ...process.env, BICEP_TELEMETRY_OPTOUT: "true", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout, stderr, diagnostics: parseDiagnostics(`${stdout}\n${stderr}`) }),
    );
  });
}

/** What azd always passes when it compiles main.bicepparam; the other variables have defaults in the file. */
export const azdBaseEnvironment = { AZURE_ENV_NAME: "dev", AZURE_LOCATION: "westus2" };

export interface InfraBuild {
  /** Compiled ARM templates by their path under infra/ (main.json, app/function.json, …). */
  templates: Map<string, unknown>;
  /** Compiled parameters files by their path under infra/ (main.parameters.json, …). */
  parameters: Map<string, unknown>;
  diagnostics: Diagnostic[];
  failed: string[];
}

function filesUnder(folder: string, extension: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(extension))
    .sort();
}

/** `bicep build` for every .bicep file and `bicep build-params` for every .bicepparam file under infra/. */
export async function buildInfra(
  outDir: string,
  env: Record<string, string> = azdBaseEnvironment,
): Promise<InfraBuild> {
  const build = await runBicep(["build", "--pattern", "infra/**/*.bicep", "--outdir", outDir]);
  const failed = build.code === 0 ? [] : [`bicep build exited ${build.code}: ${build.stderr}`];
  const diagnostics = [...build.diagnostics];
  const parameters = new Map<string, unknown>();
  for (const file of filesUnder(infraDir, ".bicepparam")) {
    const outFile = join(outDir, file.replace(/\.bicepparam$/, ".parameters.json"));
    const run = await runBicep(["build-params", join(infraDir, file), "--outfile", outFile], env);
    diagnostics.push(...run.diagnostics);
    if (run.code !== 0) failed.push(`bicep build-params ${file} exited ${run.code}: ${run.stderr}`);
    else parameters.set(file.replace(/\.bicepparam$/, ".parameters.json"), JSON.parse(readFileSync(outFile, "utf8")));
  }
  const templates = new Map<string, unknown>();
  for (const file of filesUnder(infraDir, ".bicep")) {
    const compiled = join(outDir, file.replace(/\.bicep$/, ".json"));
    if (existsSync(compiled))
      templates.set(file.replace(/\.bicep$/, ".json"), JSON.parse(readFileSync(compiled, "utf8")));
  }
  return { templates, parameters, diagnostics, failed };
}

/** A resource as ARM would receive it, values known before deployment evaluated; the rest stay `[expressions]`. */
export interface PredictedResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  location?: string;
  kind?: string;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
}

export interface Snapshot {
  predictedResources: PredictedResource[];
  diagnostics: unknown[];
  outputs?: Record<string, unknown>;
}

export const snapshotTarget = {
  subscriptionId: "00000000-0000-0000-0000-00000000a11c",
  tenantId: "00000000-0000-0000-0000-0000000000aa",
  location: "westus2",
};

/**
 * `bicep snapshot` of infra/main.bicepparam with these azd environment values: the deployment azd would run, with
 * main.bicep's modules expanded. Runs on a copy of infra/ so that runs in parallel do not share an output file.
 */
export async function snapshotDeployment(env: Record<string, string>): Promise<Snapshot> {
  const work = mkdtempSync(join(tmpdir(), "bicep-snapshot-"));
  try {
    cpSync(infraDir, work, { recursive: true });
    const run = await runBicep(
      [
        "snapshot",
        join(work, "main.bicepparam"),
        "--subscription-id",
        snapshotTarget.subscriptionId,
        "--tenant-id",
        snapshotTarget.tenantId,
        "--location",
        snapshotTarget.location,
        "--deployment-name",
        "main",
      ],
      { ...azdBaseEnvironment, ...env },
    );
    if (run.code !== 0) throw new Error(`bicep snapshot exited ${run.code}: ${run.stderr}${run.stdout}`);
    return JSON.parse(readFileSync(join(work, "main.snapshot.json"), "utf8")) as Snapshot;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
