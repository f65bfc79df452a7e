/**
 * Debian's Chromium (/usr/bin/chromium) driven headless through playwright-core: no browser download, a fresh profile
 * per launch, and every console error or uncaught page error collected so a test can fail on it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (the CI script does)`);
  }
  const profile = mkdtempSync(join(tmpdir(), "console-chromium-"));
  // launchPersistentContext is playwright's way to pass --user-data-dir: a fresh, throw-away profile.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1366, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function outputDir(): string {
  const dir = join(process.cwd(), "test-output", "console");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Text whose colour contrast with its background is under WCAG AA (4.5:1, or 3:1 for large text). The background is
 * the nearest ancestor's opaque background colour; hidden elements are skipped.
 */
export async function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const parse = (color: string): number[] => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, gr = 0, b = 0]: number[]) => {
      const channel = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(gr) + 0.0722 * channel(b);
    };
    const background = (element: any): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const rgba = parse(g.getComputedStyle(node).backgroundColor);
        if (rgba.length >= 3 && (rgba[3] ?? 1) > 0.5) return rgba;
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    for (const element of g.document.querySelectorAll("body *")) {
      const ownText = [...element.childNodes]
        .filter((n: any) => n.nodeType === 3)
        .map((n: any) => n.textContent.trim())
        .join("");
      if (ownText === "" || element.getClientRects().length === 0) continue;
      const style = g.getComputedStyle(element);
      if (style.visibility === "hidden" || Number(style.opacity) < 0.6) continue;
      const fg = luminance(parse(style.color));
      const bg = luminance(background(element));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)} ${element.tagName} "${ownText.slice(0, 40)}"`);
    }
    return failures;
  });
}
