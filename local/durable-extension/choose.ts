/**
 * Which Durable engine `npm start` runs: DURABLE_ENGINE=local|extension when set, otherwise the real extension
 * wherever `dotnet` is installed, and the local host's own engine elsewhere.
 */
import type { DurableEngineKind } from "../host/index.js";
import { dotnetAvailable } from "./dotnetHost.js";

export class EngineChoiceError extends Error {}

export function chooseEngine(
  requested: string | undefined,
  hasDotnet: () => boolean = dotnetAvailable,
): DurableEngineKind {
  if (requested === "local") return "local";
  if (requested === "extension") {
    if (!hasDotnet())
      throw new EngineChoiceError(
        "DURABLE_ENGINE=extension needs the .NET SDK (dotnet) on PATH; unset it to run locally",
      );
    return "extension";
  }
  if (requested !== undefined && requested !== "")
    throw new EngineChoiceError(`DURABLE_ENGINE must be 'local' or 'extension', not '${requested}'`);
  return hasDotnet() ? "extension" : "local";
}

export function describeEngine(engine: DurableEngineKind): string {
  return engine === "extension"
    ? "the real Durable Functions extension 3.19 (.NET host; DURABLE_ENGINE=local for the local engine)"
    : "the local host's own engine (DURABLE_ENGINE=extension for the real extension, needs dotnet)";
}
