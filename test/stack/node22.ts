/**
 * Node 22, the runtime Azure runs the app on (infra: Flex Consumption, Node 22). On a Node 20 machine the official
 * build is fetched by `npm run prepare:test` (never by a test); this only finds it.
 */
import { existsSync } from "node:fs";
import { node22Path } from "../../local/testPrerequisites.js";
import { repoRoot } from "./stackProcess.js";

export { node22Version } from "../../local/testPrerequisites.js";

export function node22Binary(): string {
  const binary = node22Path(repoRoot);
  if (!existsSync(binary)) throw new Error(`Node 22 is not prepared (${binary}): run \`npm run prepare:test\` first`);
  return binary;
}
