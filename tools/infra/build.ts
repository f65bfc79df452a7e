/**
 * `npm run infra:build`: compiles every Bicep template and parameters file under infra/ with the pinned Bicep CLI into
 * dist/infra/, prints each diagnostic, and fails on any error or warning (the linter's included).
 */
import { join } from "node:path";
import { bicepVersion, buildInfra, repoRoot } from "./bicep.js";

const outDir = join(repoRoot, "dist/infra");
const started = Date.now();
const result = await buildInfra(outDir);
for (const d of result.diagnostics)
  console.log(`${d.file}(${d.line},${d.column}) : ${d.level} ${d.code}: ${d.message}`);
for (const failure of result.failed) console.error(failure);
const count = (level: string) => result.diagnostics.filter((d) => d.level === level).length;
console.log(
  `bicep ${bicepVersion()}: ${result.templates.size} templates, ${result.parameters.size} parameters files -> ` +
    `${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${count("Error")} errors, ${count("Warning")} warnings`,
);
if (result.failed.length > 0 || count("Error") > 0 || count("Warning") > 0) process.exit(1);
