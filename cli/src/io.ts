/**
 * Where the CLI writes, injectable so tests run commands in-process and read exactly what a user would see.
 * With `--output json`, stdout carries exactly one JSON document (the result, or `{ "error": … }`) and everything
 * meant for people (progress lines, hints) goes to stderr, so a pipeline can pipe stdout to a parser.
 */
import { readFileSync } from "node:fs";

export interface Stream {
  write(text: string): void;
  isTTY?: boolean;
}

export interface Io {
  stdout: Stream;
  stderr: Stream;
  readStdin(): string;
  /** CI=true (or no TTY) turns the live spinner off. */
  env: Record<string, string | undefined>;
}

export const processIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: () => readFileSync(0, "utf8"),
  env: process.env,
});

export type OutputFormat = "text" | "json";

export const outputFormats: readonly OutputFormat[] = ["text", "json"];

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
