/**
 * Builds the CLI package: each module of src/ transpiled on its own into dist/ (or the folder given). The root
 * typecheck (`npm run typecheck`) checks these sources with the API's own types; here the type-only imports of those
 * types are erased, so the package ships only its own modules and needs only commander at run time.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "dist"));
const compilerOptions = {
  module: ts.ModuleKind.ES2022,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const name of readdirSync(join(here, "src")).filter((file) => file.endsWith(".ts"))) {
  const source = readFileSync(join(here, "src", name), "utf8");
  const { outputText, diagnostics } = ts.transpileModule(source, {
    compilerOptions,
    fileName: name,
    reportDiagnostics: true,
  });
  if (diagnostics?.length)
    throw new Error(`${name}: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, "\n")}`);
  if (/from "\.\.\//.test(outputText)) throw new Error(`${name} imports a module outside the CLI package at run time`);
  writeFileSync(join(out, name.replace(/\.ts$/, ".js")), outputText, { mode: name === "bin.ts" ? 0o755 : 0o644 });
}
