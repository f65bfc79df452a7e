/**
 * `npm run prepare:test`: fetches, once, what the stack tests need from the npm registry, so no test reaches a
 * registry itself (a test that downloads is slow, flaky and hides the download in a timeout):
 * - Node 22, the runtime Azure runs the app on, for machines that have only Node 20: the official build published as
 *   `node-<platform>-<arch>` (the package the `node` package itself installs; npm checks its integrity), unpacked under
 *   node_modules/.cache;
 * - the packed CLI's dependencies in npm's cache, by running the CLI once from a tarball of its package (cli/) with npx,
 *   so the package test's offline npx finds them.
 * Each part is skipped when already there.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Run as dist/local/testPrerequisites.js.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export const node22Version = "22.21.1";

/** Where the prepared Node 22 lives; the current binary when the machine already runs Node 22. */
export function node22Path(root: string): string {
  if (process.versions.node.split(".")[0] === "22") return process.execPath;
  return join(node22Folder(root), "package/bin/node");
}

const node22Folder = (root: string) =>
  join(root, "node_modules/.cache", `node-${process.platform}-${process.arch}-${node22Version}`);

function prepareNode22(): string {
  const binary = node22Path(repoRoot);
  if (existsSync(binary)) return `Node ${node22Version}: ${binary} (already there)`;
  const folder = node22Folder(repoRoot);
  mkdirSync(folder, { recursive: true });
  const name = `node-${process.platform}-${process.arch}@${node22Version}`;
  execFileSync("npm", ["pack", name, "--pack-destination", folder, "--silent"], {
    cwd: folder,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(folder).find((file) => file.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack gave no tarball for ${name}`);
  execFileSync("tar", ["xzf", tarball], { cwd: folder });
  rmSync(join(folder, tarball));
  return `Node ${node22Version}: ${binary}`;
}

function prepareCliDependencies(): string {
  const work = mkdtempSync(join(tmpdir(), "prepare-cli-"));
  try {
    const packed = execFileSync("npm", ["pack", "--json", "--workspace", "cli", "--pack-destination", work], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [info] = JSON.parse(packed) as { filename: string }[];
    const tarball = join(work, info?.filename ?? "");
    const env = { ...process.env, npm_config_update_notifier: "false" };
    execFileSync("npx", ["--yes", "--prefer-offline", "--package", tarball, "aks-provision", "--help"], {
      cwd: work,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    return "the packed CLI's dependencies: in npm's cache";
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const prepare of [prepareNode22, prepareCliDependencies]) console.log(`prepare:test: ${prepare()}`);
}
