/**
 * Node 22, the runtime Azure runs the app on (infra: Flex Consumption, Node 22), for machines that have only Node 20:
 * the official build from the npm registry, `node-<platform>-<arch>`, the package the `node` package itself installs.
 * npm checks its integrity against the registry; it is unpacked once under node_modules/.cache.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./stackProcess.js";

export const node22Version = "22.21.1";

export function node22Binary(): string {
  if (process.versions.node.split(".")[0] === "22") return process.execPath;
  const folder = join(repoRoot, "node_modules/.cache", `node-${process.platform}-${process.arch}-${node22Version}`);
  const binary = join(folder, "package/bin/node");
  if (existsSync(binary)) return binary;
  mkdirSync(folder, { recursive: true });
  execFileSync(
    "npm",
    ["pack", `node-${process.platform}-${process.arch}@${node22Version}`, "--pack-destination", folder, "--silent"],
    { cwd: folder, stdio: ["ignore", "ignore", "inherit"] },
  );
  const tarball = readdirSync(folder).find((name) => name.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack gave no tarball for Node ${node22Version}`);
  execFileSync("tar", ["xzf", tarball], { cwd: folder });
  return binary;
}
