/**
 * Where the .NET host lives and how it is built: `dotnet build` of local/durable-extension, skipped while the built
 * DLL is newer than every source file, so `npm start` and the tests pay for the build once.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The project folder, whether this runs from local/ (tests) or dist/local/ (npm start). */
export const projectDir = fileURLToPath(new URL(".", import.meta.url)).replace(/\/dist\/local\//, "/local/");
export const hostDll = join(projectDir, "bin", "Release", "net10.0", "DurableExtensionHost.dll");

export function dotnetAvailable(): boolean {
  try {
    execFileSync("dotnet", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function sourcesNewerThan(time: number): boolean {
  return readdirSync(projectDir)
    .filter((file) => file.endsWith(".cs") || file.endsWith(".csproj"))
    .some((file) => statSync(join(projectDir, file)).mtimeMs > time);
}

export function hostBuilt(): boolean {
  return existsSync(hostDll) && !sourcesNewerThan(statSync(hostDll).mtimeMs);
}

/** Builds the host if a source changed since the last build (restoring from NuGet the first time). */
export async function buildHost(log: (line: string) => void = () => undefined): Promise<void> {
  if (hostBuilt()) return;
  log("building the Durable extension host (dotnet build)…");
  await promisify(execFile)("dotnet", ["build", projectDir, "-c", "Release", "--nologo", "-v", "quiet"], {
    maxBuffer: 16 * 1024 * 1024,
  });
}
