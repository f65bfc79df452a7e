/**
 * The deployment artefact `azd deploy` (or `func azure functionapp publish`) uploads to the Flex Consumption app: the
 * files .funcignore keeps, plus node_modules with production dependencies only (`npm ci --omit=dev` from the
 * lockfile), zipped. Built from dist/ as `npm run build` left it.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import ignoreModule from "ignore";

const run = promisify(execFile);
// A CommonJS module typed with `export default`: under NodeNext its factory is the module's `default` property.
const ignore = ignoreModule.default;

/** What never goes through .funcignore: dependencies are installed afresh, and git's own folder. */
const neverCopied = new Set(["node_modules", ".git"]);

/** The project's files (node_modules aside) that .funcignore keeps, relative to the root, sorted. */
export function keptFiles(root: string): string[] {
  const funcignore = ignore().add(readFileSync(join(root, ".funcignore"), "utf8"));
  const walk = (folder: string): string[] =>
    readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
      const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if ((folder === "" && neverCopied.has(entry.name)) || funcignore.ignores(`${path}/`)) return [];
        return walk(path);
      }
      return entry.isFile() && !funcignore.ignores(path) ? [path] : [];
    });
  return walk("").sort();
}

function folderBytes(folder: string): number {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

export interface DeploymentPackage {
  zipPath: string;
  zipBytes: number;
  unpackedBytes: number;
  /** The app's own files (everything but node_modules), relative to the package root. */
  appFiles: string[];
  /** node_modules' top-level packages (scopes opened), largest first. */
  dependencies: { name: string; bytes: number }[];
}

export async function buildPackage(root: string, zipPath: string): Promise<DeploymentPackage> {
  const stage = mkdtempSync(join(tmpdir(), "app-package-"));
  try {
    const appFiles = keptFiles(root);
    for (const file of appFiles) {
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      copyFileSync(join(root, file), join(stage, file));
    }
    // The lockfile decides the versions, and the repository's own `npm ci` left every tarball in npm's cache, so this
    // reaches no registry. Scripts stay off: nothing in the app needs a build step on install.
    await run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--offline"], {
      cwd: stage,
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
    const modules = join(stage, "node_modules");
    const dependencies = readdirSync(modules, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
      .flatMap((entry) =>
        entry.name.startsWith("@")
          ? readdirSync(join(modules, entry.name)).map((name) => `${entry.name}/${name}`)
          : [entry.name],
      )
      .map((name) => ({ name, bytes: folderBytes(join(modules, name)) }))
      .sort((a, b) => b.bytes - a.bytes);
    mkdirSync(dirname(zipPath), { recursive: true });
    rmSync(zipPath, { force: true });
    // -X: no extra file attributes (uid/gid, timestamps beyond DOS ones), so the zip is what Azure unpacks.
    await run("zip", ["-q", "-r", "-X", zipPath, "."], { cwd: stage, maxBuffer: 16 * 1024 * 1024 });
    return {
      zipPath,
      zipBytes: statSync(zipPath).size,
      unpackedBytes: folderBytes(stage),
      appFiles,
      dependencies,
    };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
