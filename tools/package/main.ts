/**
 * `npm run package`: builds the deployment zip into .package/ and prints its size, what it holds and its largest
 * dependencies.
 */
import { join } from "node:path";
import { repoRoot } from "../infra/bicep.js";
import { buildPackage, megabytes } from "./build.js";

const started = Date.now();
const built = await buildPackage(repoRoot, join(repoRoot, ".package/aks-provisioning-api.zip"));
const appBytes = built.unpackedBytes - built.dependencies.reduce((sum, d) => sum + d.bytes, 0);
console.log(`${built.zipPath} (${((Date.now() - started) / 1000).toFixed(1)} s)
  zip        ${megabytes(built.zipBytes)}
  unpacked   ${megabytes(built.unpackedBytes)}: the app ${megabytes(appBytes)} in ${built.appFiles.length} files, \
${built.dependencies.length} production packages
  largest    ${built.dependencies
    .slice(0, 8)
    .map((d) => `${d.name} ${megabytes(d.bytes)}`)
    .join(", ")}`);
