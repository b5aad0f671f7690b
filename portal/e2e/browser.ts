// The browser and the platform the suite drives.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "vitest";

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with the output of scripts/platform.sh env`);
  return value;
}

export const platform = {
  portal: () => env("TOLLGATE_PORTAL_URL").replace(/\/$/, ""),
  controlPlane: () => env("TOLLGATE_CONTROL_PLANE_URL"),
  gateway: () => env("TOLLGATE_GATEWAY_URL"),
  model: () => env("TOLLGATE_MODEL"),
  adminEmail: () => env("TOLLGATE_ADMIN_EMAIL"),
  adminPassword: () => env("TOLLGATE_ADMIN_PASSWORD"),
  adminToken: () => env("TOLLGATE_ADMIN_TOKEN"),
};

/** The OS's Chromium, headless, with nothing phoning home; playwright gives it a fresh throw-away profile. */
export async function launch(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.TOLLGATE_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A new page that fails the test on any console error or uncaught exception. */
export async function newPage(browser: Browser, width = 1280): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return { page, errors };
}

/** The control plane's API with the platform admin's token (set-up the test needs, not under test). */
export async function adminApi(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(platform.controlPlane() + path, {
    method,
    headers: { authorization: `Bearer ${platform.adminToken()}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(platform.portal() + "/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** No serious or critical accessibility violations (axe-core, WCAG 2.x A and AA rules). */
export async function accessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `accessibility of ${what}`).toEqual([]);
}

/** Into $TOLLGATE_PORTAL_SCREENSHOTS when set (docs/portal.md's images). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.TOLLGATE_PORTAL_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Calls {@code attempt} until it returns true or {@code seconds} pass. */
export async function eventually(what: string, seconds: number, attempt: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await attempt()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${seconds} s${last ? ` (${last})` : ""}`);
}

/** One small non-streamed completion with {@code secret}; the gateway's status. */
export async function completion(secret: string): Promise<number> {
  const response = await fetch(platform.gateway() + "/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: platform.model(), max_tokens: 8, messages: [{ role: "user", content: "Hello" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}
