import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { accessible, adminApi, completion, eventually, launch, newPage, platform, screenshot, signIn } from "./browser";

const run = Date.now().toString(36);
const org = `portal-${run}`;
const display = `Portal test org ${run}`;
const password = "a long enough portal password";
const viewer = `viewer-${run}@example.com`;
const member = `member-${run}@example.com`;
const newcomer = `newcomer-${run}@example.com`;
const invitee = `invitee-${run}@example.com`;
const finance = `finance-${run}@example.com`;
// The platform's SMTP server as the Java suite runs it (e2e's Mailbox over GreenMail); by hand, without
// one, the tests that read email are skipped.
const mailbox = process.env.TOLLGATE_E2E_MAILBOX_URL;

/** The emails {@code to} received so far, oldest first. */
async function mails(to: string): Promise<{ subject: string; body: string }[]> {
  return await (await fetch(`${mailbox}/messages?to=${encodeURIComponent(to)}`)).json() as { subject: string; body: string }[];
}

let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ browser, close } = await launch());
  await adminApi("POST", "/api/v1/orgs", { name: org, display, budget: { limitUsd: 25, period: "month" } });
  for (const [email, role] of [[viewer, "viewer"], [member, "member"]]) {
    await adminApi("POST", "/api/v1/users", { email });
    await adminApi("PUT", `/api/v1/users/${encodeURIComponent(email)}/password`, { password });
    await adminApi("PUT", `/api/v1/orgs/${org}/members/${encodeURIComponent(email)}`, { role });
  }
  await adminApi("POST", "/api/v1/users", { email: newcomer });
});

afterAll(async () => {
  await close?.();
});

describe("the portal", () => {
  it("signs a platform admin in; a key made in it is shown once, serves the gateway, and is refused once revoked", async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(platform.portal() + "/");
    await accessible(page, "sign-in");
    await screenshot(page, "sign-in");
    await signIn(page, platform.adminEmail(), platform.adminPassword());

    await page.getByRole("heading", { name: "All organisations" }).waitFor();
    await page.getByRole("link", { name: display }).waitFor();
    await accessible(page, "orgs");
    await screenshot(page, "orgs");

    await page.getByRole("link", { name: display }).click();
    await page.getByText("of $25.00").waitFor();
    await accessible(page, "overview");

    await page.getByRole("link", { name: "Keys" }).click();
    await page.getByLabel("Name").fill("e2e-key");
    await page.getByLabel("Models").fill(platform.model());
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.getByTestId("secret").textContent())!.trim();
    expect(secret).toMatch(/^tg-/);
    await page.getByRole("cell", { name: "e2e-key", exact: true }).waitFor();
    await accessible(page, "keys with a new secret");
    await screenshot(page, "keys-secret-once");

    // Shown once: after a reload (a deep link to the keys page) the secret is nowhere on the page.
    await page.reload();
    await page.getByRole("cell", { name: "e2e-key", exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);

    // The gateway serves it (once the key record reached the gateways' Redis).
    await eventually("the gateway serves the new key", 20, async () => (await completion(secret)) === 200);

    // Its spend reaches the org's overview (the gateway counts it in Redis; the control plane reads
    // it), and its usage too (gateway → RabbitMQ → analytics consumer → the control plane's /usage).
    await page.getByRole("link", { name: "Overview" }).click();
    await eventually("the completion's spend and usage show on the overview", 60, async () => {
      await page.reload();
      await page.getByText(/ of \$25\.00/).waitFor();
      await page.getByRole("heading", { name: "Reliability, last 24 hours" }).waitFor();
      await page.getByText(/No requests in the last 24 hours|requests per hour/).first().waitFor();
      return !(await page.getByText("$0.00 of $25.00").isVisible())
        && await page.getByRole("cell", { name: platform.model(), exact: true }).count() === 2;
    });
    await accessible(page, "overview with usage");
    // The CSV link serves the org's events, the new key's request among them, with the session's cookie.
    const href = await page.getByRole("link", { name: /as CSV/ }).getAttribute("href");
    const csv = await page.context().request.get(platform.portal() + href!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-disposition"]).toContain(`usage-${org}.csv`);
    expect((await csv.text()).split("\r\n").filter((line) => line.includes("e2e-key"))).toHaveLength(1);
    await screenshot(page, "overview");

    // The usage explorer: this week by key has the new key's request; per hour over 60 days is refused in words.
    await page.getByRole("link", { name: "Usage" }).click();
    await page.getByLabel("By").selectOption("key");
    const keyRow = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "e2e-key", exact: true }) });
    await keyRow.waitFor();
    expect(await keyRow.getByRole("cell").nth(1).textContent()).toBe("1");
    await accessible(page, "usage explorer");
    await screenshot(page, "usage");
    await page.getByLabel("Range").selectOption({ label: "Days of your choice" });
    await page.getByLabel("First day (UTC)").fill("2026-01-01");
    await page.getByLabel("Last day (UTC)").fill("2026-03-01");
    await page.getByLabel("Per").selectOption("hour");
    await page.getByRole("alert").filter({ hasText: "Per hour covers at most 31 days" }).waitFor();

    // This month's statement, through the control plane with the session: the page names the key, and
    // the CSV's total has its request.
    const month = new Date().toISOString().slice(0, 7);
    const statementHref = await page.getByRole("link", { name: `Open the printable statement for ${month}` })
      .getAttribute("href");
    const statement = await page.context().request.get(platform.portal() + statementHref!);
    expect(statement.status()).toBe(200);
    expect(statement.headers()["content-type"]).toContain("text/html");
    expect(statement.headers()["content-security-policy"]).toContain("default-src 'none'");
    expect(await statement.text()).toContain("e2e-key");
    const statementPage = await page.context().newPage();
    await statementPage.goto(platform.portal() + statementHref!);
    await statementPage.getByRole("heading", { name: /Usage statement/ }).waitFor();
    await accessible(statementPage, "the printable statement");
    await screenshot(statementPage, "statement");
    await statementPage.close();
    const csvHref = await page.getByRole("link", { name: `Download the statement for ${month} as CSV` }).getAttribute("href");
    const statementCsv = (await (await page.context().request.get(platform.portal() + csvHref!)).text()).split("\r\n");
    expect(statementCsv[0]).toBe("line,month,org_id,key_id,model,requests,errors,prompt_tokens,completion_tokens,"
      + "cached_tokens,reasoning_tokens,cost_usd");
    expect(statementCsv.find((line) => line.startsWith("usage,") && line.includes(",e2e-key,"))?.split(",")[5]).toBe("1");

    await page.getByRole("link", { name: "Keys" }).click();

    // Its last use: the completion above, minutes ago at most (the analytics service's rows).
    await page.getByTestId("last-used-e2e-key").getByText(/just now|min ago/).waitFor();

    // Edited: a request limit of its own, shown in the list and sent to the gateways' key record.
    await page.getByRole("button", { name: "Edit e2e-key" }).click();
    await page.getByLabel("Requests per minute").fill("600");
    await page.getByRole("button", { name: "Save key" }).click();
    await page.getByRole("cell", { name: "600 req/min" }).waitFor();
    await accessible(page, "keys after an edit");

    // Rotated with an hour's grace: the new secret is shown once, and both secrets work meanwhile.
    await page.getByRole("button", { name: "Rotate e2e-key" }).click();
    await page.getByLabel("Old secret stops").selectOption({ label: "in 1 hour" });
    await accessible(page, "keys, rotation confirmation");
    await page.getByRole("button", { name: "Rotate e2e-key now" }).click();
    await page.getByText(/The old secret keeps working until/).waitFor();
    const rotated = (await page.getByTestId("secret").textContent())!.trim();
    expect(rotated).toMatch(/^tg-/);
    expect(rotated).not.toBe(secret);
    await page.getByText(/old secret until/).waitFor();
    await screenshot(page, "keys-rotated");
    await eventually("the gateway serves the rotated key", 20, async () => (await completion(rotated)) === 200);
    expect(await completion(secret)).toBe(200);
    await page.getByRole("button", { name: "I have stored it" }).click();

    await page.getByRole("button", { name: "Revoke e2e-key" }).click();
    await page.getByRole("button", { name: "Revoke e2e-key now" }).click();
    await page.getByRole("cell", { name: "revoked" }).waitFor();
    await screenshot(page, "keys");
    await eventually("the gateway refuses the revoked key", 20, async () => (await completion(rotated)) === 401);
    await eventually("the gateway refuses the old secret too: its grace ended with the revocation", 20,
      async () => (await completion(secret)) === 401);

    // Members: a newcomer added as a viewer, made billing, then removed.
    await page.getByRole("link", { name: "Members" }).click();
    await page.getByRole("cell", { name: viewer, exact: true }).waitFor();
    await page.getByLabel("Email", { exact: true }).fill(newcomer);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByText(`${newcomer} is now a viewer.`).waitFor();
    await page.getByLabel(`Role of ${newcomer}`).selectOption("billing");
    await page.getByRole("button", { name: `Save role of ${newcomer}` }).click();
    await page.getByRole("button", { name: `Save role of ${newcomer}` }).waitFor({ state: "detached" });
    const roles = await adminApi("GET", `/api/v1/orgs/${org}/members`) as { email: string; role: string }[];
    expect(roles.find((m) => m.email === newcomer)?.role).toBe("billing");
    await accessible(page, "members");
    await screenshot(page, "members");
    await page.getByRole("button", { name: `Remove ${newcomer}`, exact: true }).click();
    await page.getByRole("button", { name: `Remove ${newcomer} now` }).click();
    await page.getByRole("cell", { name: newcomer, exact: true }).waitFor({ state: "detached" });

    // A budget change, then the org's audit log: the change and the revocation, by this admin.
    await page.getByRole("link", { name: "Overview" }).click();
    const limit = page.getByLabel("Budget (USD)");
    await limit.fill("30");
    await page.getByRole("button", { name: "Save budget" }).click();
    await page.getByText("Budget saved.").waitFor();
    await page.getByText(/ of \$30\.00/).waitFor();
    await page.getByRole("link", { name: "Audit" }).click();
    const budgetRow = page.getByRole("row").filter({ hasText: "org.budget" });
    await budgetRow.first().waitFor();
    expect(await budgetRow.first().textContent()).toContain(platform.adminEmail());
    await page.getByRole("row").filter({ hasText: "key.revoke" }).filter({ hasText: "e2e-key" }).waitFor();
    await page.getByRole("row").filter({ hasText: "key.rotate" }).filter({ hasText: "e2e-key" }).waitFor();
    await page.getByRole("row").filter({ hasText: "key.update" }).filter({ hasText: "e2e-key" }).waitFor();
    await page.getByRole("row").filter({ hasText: "member.delete" }).filter({ hasText: newcomer }).waitFor();
    // Filtered to the member changes: the key's rows go.
    await page.getByLabel("Action").fill("member.*");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("row").filter({ hasText: "key.revoke" }).waitFor({ state: "detached" });
    await page.getByRole("row").filter({ hasText: "member.put" }).filter({ hasText: newcomer }).first().waitFor();
    await accessible(page, "audit");
    await screenshot(page, "audit");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("shows a viewer no key actions, and the API refuses them from the browser anyway", async () => {
    const { page, errors } = await newPage(browser, 390); // a phone's width
    await signIn(page, viewer, password);
    await page.getByRole("heading", { name: "Your organisations" }).waitFor();
    await page.getByRole("link", { name: display }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1); // only their org
    await page.goto(`${platform.portal()}/orgs/${org}/keys`);
    await page.getByRole("heading", { name: "Keys" }).waitFor();
    await page.getByText(/No keys yet|e2e-key/).first().waitFor();
    expect(await page.getByRole("button", { name: "Create key" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /Revoke|Edit|Rotate/ }).count()).toBe(0);
    // A viewer reads the audit log, the members and the usage, but may not change them or the budget.
    expect(await page.getByRole("link", { name: "Audit" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Usage" }).count()).toBe(1);
    await accessible(page, "keys as a viewer, phone width");
    await screenshot(page, "keys-viewer-phone");
    await page.getByRole("link", { name: "Members" }).click();
    await page.getByRole("cell", { name: member, exact: true }).waitFor();
    expect(await page.getByRole("button").filter({ hasText: /Add member|Remove|Save role/ }).count()).toBe(0);
    expect(await page.getByRole("combobox").count()).toBe(0);
    await accessible(page, "members as a viewer, phone width");

    expect(errors).toEqual([]);

    // The same request the member's button would send, with the session and its CSRF token: 403
    // (which the browser logs: the only console error allowed here).
    const status = await page.evaluate(async (path) => {
      const csrf = document.cookie.split("; ").find((c) => c.startsWith("tollgate_csrf="))!.split("=")[1];
      const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json",
        "x-csrf-token": csrf }, body: JSON.stringify({ id: "sneaky" }) });
      return response.status;
    }, `/api/v1/orgs/${org}/keys`);
    expect(status).toBe(403);
    // And the role change the members page does not offer a viewer: 403 too.
    const roleChange = await page.evaluate(async (path) => {
      const csrf = document.cookie.split("; ").find((c) => c.startsWith("tollgate_csrf="))!.split("=")[1];
      const response = await fetch(path, { method: "PUT", headers: { "content-type": "application/json",
        "x-csrf-token": csrf }, body: JSON.stringify({ role: "owner" }) });
      return response.status;
    }, `/api/v1/orgs/${org}/members/${encodeURIComponent(viewer)}`);
    expect(roleChange).toBe(403);
    expect(errors.filter((e) => !e.includes("403"))).toEqual([]);
  });

  it("walks a platform admin through orgs, models and prices, backends, routes and config versions", async () => {
    const { page, errors } = await newPage(browser);
    // A model of this run's own, on the platform's backends, so that nothing else's prices change.
    const model = `portal-model-${run}`;
    const backends = (await adminApi("GET", "/api/v1/backends") as { id: string }[]).map((b) => b.id);
    expect(backends.length).toBeGreaterThan(0);
    const latestVersion = async () =>
      (await adminApi("GET", "/api/v1/config/versions?limit=1") as { version: number }[])[0].version;
    const beforeModel = await latestVersion();
    await adminApi("POST", "/api/v1/models", { name: model, prices: { promptPerMillion: 0.1, completionPerMillion: 0.4 } });
    await adminApi("POST", "/api/v1/routes", backends.length > 1
      ? { model, backends: [backends[0]], canary: { backends: [backends[1]], weight: 10 } }
      : { model, backends: [backends[0]] });
    try {
      await signIn(page, platform.adminEmail(), platform.adminPassword());
      const nav = page.getByRole("navigation", { name: "Platform" });

      // Orgs: spend against budget at a glance (the first test changed this org's budget), and a new org from the form.
      await page.getByRole("row").filter({ hasText: display }).getByText(/^\$[\d.,]+ of \$[\d.,]+ this (month|day) \(\d+ %\)$/).waitFor();
      await page.getByLabel("Name", { exact: true }).fill(`portal-new-${run}`);
      await page.getByLabel("Monthly budget (USD)").fill("40");
      await page.getByRole("button", { name: "Create organisation" }).click();
      await page.getByRole("row").filter({ hasText: `portal-new-${run}` }).getByText("$0.00 of $40.00 this month (0 %)").waitFor();

      // Models and prices: this run's model, served by its backends; its output price changed in the form.
      await nav.getByRole("link", { name: "Models and prices" }).click();
      const row = page.getByRole("row").filter({ hasText: model });
      await row.getByText(backends[0]).waitFor();
      await accessible(page, "models and prices");
      // By keyboard: Enter on the row's button opens the form with the focus in it; Tab, type, Enter saves.
      await page.getByRole("button", { name: `Edit prices of ${model}` }).focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? "")).toMatch(/-prompt$/);
      await accessible(page, "a model's prices being edited");
      const beforeEdit = await latestVersion();
      await page.keyboard.press("Tab");
      await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.type("0.9");
      await page.keyboard.press("Enter");
      await page.getByRole("status").filter({ hasText: `New prices for ${model} saved.` }).waitFor();
      await row.getByText("$0.90").waitFor();
      await screenshot(page, "platform-models");
      const saved = await adminApi("GET", `/api/v1/models/${model}`) as { prices: { completionPerMillion: number } };
      expect(saved.prices.completionPerMillion).toBe(0.9);
      const edited = await latestVersion();
      expect(edited).toBeGreaterThan(beforeEdit);

      // Backends: the live load the gateways report after each config poll.
      await nav.getByRole("link", { name: "Backends" }).click();
      await page.getByRole("heading", { name: "Backends and their load" }).waitFor();
      // (The page asks again every 5 s; a gateway reports after each config poll.)
      await eventually("a gateway's report of the backends", 30, async () => {
        const health = page.getByRole("row").filter({ hasText: backends[0] }).first().getByRole("cell").nth(1);
        return !(await health.textContent() ?? "no gateway").includes("no gateway")
          && await page.getByText(/^From \d+ gateways?\./).isVisible();
      });
      await accessible(page, "backends");
      await screenshot(page, "platform-backends");

      // Routes: this run's route, its backend's share and the canary's.
      await nav.getByRole("link", { name: "Routes" }).click();
      const route = page.getByRole("region", { name: `Backends of ${model}` });
      await route.getByRole("cell", { name: backends.length > 1 ? "90 %" : "100 %" }).waitFor();
      if (backends.length > 1) await page.getByText(`10 % to backends ${backends[1]}`).waitFor();
      await accessible(page, "routes");
      // Its weights edited in the form: the canary's share (or, alone, its backend's weight).
      await page.getByRole("button", { name: `Edit weights of ${model}` }).click();
      if (backends.length > 1) await page.getByLabel("Canary, percent").fill("25");
      else await page.getByLabel(`Weight of ${backends[0]}`).fill("2");
      await accessible(page, "a route's weights being edited");
      await page.getByRole("button", { name: "Save weights" }).click();
      await page.getByRole("status").filter({ hasText: `New weights for ${model} saved.` }).waitFor();
      if (backends.length > 1) await page.getByText(`25 % to backends ${backends[1]}`).waitFor();
      else await route.getByRole("cell", { name: "2", exact: true }).waitFor();
      await screenshot(page, "platform-routes");

      // Config versions: the latest against the one before is the price change; the gateways run the latest.
      await nav.getByRole("link", { name: "Config versions" }).click();
      await page.getByRole("heading", { name: "Compare two versions" }).waitFor();
      await eventually("a gateway runs the latest version", 30, async () => {
        await page.reload();
        await page.getByRole("region", { name: "Gateways" }).waitFor();
        return await page.getByText(/\(latest\)/).count() > 0;
      });
      await page.getByLabel("From version").selectOption(String(beforeEdit));
      await page.getByLabel("To version").selectOption(String(edited));
      await page.getByText(`From ${beforeEdit} to ${edited}: 1 line removed, 1 added.`).waitFor();
      await page.getByText('"completionPerMillion": 0.9').waitFor();
      await accessible(page, "config versions");
      await screenshot(page, "platform-config");
      // Any two: the version before the model existed against the latest holds the whole new model.
      await page.getByLabel("From version").selectOption(String(beforeModel));
      await page.getByText(new RegExp(`^From ${beforeModel} to ${edited}: \\d+ lines? removed, \\d+ added\\.$`)).waitFor();
      await page.getByText(`"name": "${model}"`).first().waitFor();
      expect(errors).toEqual([]);

      // At a phone's width: the tables scroll sideways within the page, and stay accessible.
      const phone = await newPage(browser, 390);
      await signIn(phone.page, platform.adminEmail(), platform.adminPassword());
      for (const [path, heading] of [["/platform/backends", "Backends and their load"], ["/platform/config", "Config versions"]]) {
        await phone.page.goto(platform.portal() + path);
        await phone.page.getByRole("heading", { name: heading, exact: true }).waitFor();
        await phone.page.getByRole("table").first().waitFor();
        await accessible(phone.page, `${heading}, phone width`);
        expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      }
      await screenshot(phone.page, "platform-config-phone");
      expect(phone.errors).toEqual([]);
    } finally {
      await adminApi("DELETE", `/api/v1/routes/${model}`);
      await adminApi("DELETE", `/api/v1/models/${model}`);
    }
  });

  it("offers a member key creation but not the platform's orgs, the budget or the audit log", async () => {
    const { page, errors } = await newPage(browser);
    await signIn(page, member, password);
    await page.getByRole("heading", { name: "Your organisations" }).waitFor();
    await page.getByRole("link", { name: display }).click();
    await page.getByText(/ of \$[0-9.]+/).first().waitFor();
    expect(await page.getByLabel("Budget (USD)").count()).toBe(0);
    expect(await page.getByRole("link", { name: "Audit" }).count()).toBe(0);
    await page.getByRole("link", { name: "Keys" }).click();
    await page.getByRole("button", { name: "Create key" }).waitFor();
    const orgs = await page.evaluate(async () => (await fetch("/api/v1/orgs")).json());
    expect((orgs as { name: string }[]).map((o) => o.name)).toEqual([org]);
    // The platform's pages are not offered; at their address, a sentence; their API refuses.
    expect(await page.getByRole("navigation", { name: "Platform" }).count()).toBe(0);
    await page.goto(platform.portal() + "/platform/backends");
    await page.getByText("This page is for platform admins.").waitFor();
    expect(await page.getByRole("table").count()).toBe(0);
    const refused = await page.evaluate(async () => Promise.all(["/api/v1/gateways", "/api/v1/config/versions"]
      .map(async (path) => (await fetch(path)).status)));
    expect(refused).toEqual([403, 403]);
    expect(errors.filter((e) => !e.includes("403"))).toEqual([]);
  });

  it.runIf(mailbox)("invites someone by email; the link lets them choose a password and join, once", async () => {
    const { page, errors } = await newPage(browser);
    await signIn(page, platform.adminEmail(), platform.adminPassword());
    await page.goto(`${platform.portal()}/orgs/${org}/members`);
    await page.getByText("No pending invitations.").waitFor();
    await page.getByLabel("Invitee's email").fill(invitee);
    await page.getByLabel("Invited role").selectOption("member");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await page.getByText(`Invitation sent to ${invitee}`).waitFor();
    await page.getByRole("cell", { name: invitee, exact: true }).waitFor();
    await accessible(page, "members with a pending invitation");
    await screenshot(page, "invites");

    let link = "";
    await eventually("the invitation email arrives", 30, async () => {
      const found = (await mails(invitee)).map((m) => /(https?:\/\/\S+\/invite#tgi-[A-Za-z0-9_-]+)/.exec(m.body)?.[1]);
      link = found.find((l) => l !== undefined) ?? "";
      return link !== "";
    });
    // The link is the portal's own address, as the inviter reached it.
    expect(link.startsWith(platform.portal() + "/invite#")).toBe(true);

    // The invitee, in a browser of their own: no session, no user yet.
    const invited = await newPage(browser, 390);
    await invited.page.goto(link);
    await invited.page.getByRole("heading", { name: `You are invited to ${org}` }).waitFor();
    await accessible(invited.page, "an invitation, phone width");
    await screenshot(invited.page, "invite-accept");
    await invited.page.getByLabel("Password", { exact: true }).fill(password);
    await invited.page.getByLabel("The same password again").fill(password);
    await invited.page.getByRole("button", { name: `Join ${org}` }).click();
    await invited.page.getByRole("heading", { name: org, level: 1 }).waitFor();
    await invited.page.getByText(invitee).first().waitFor();
    expect(invited.errors).toEqual([]);
    const roles = await adminApi("GET", `/api/v1/orgs/${org}/members`) as { email: string; role: string }[];
    expect(roles.find((m) => m.email === invitee)?.role).toBe("member");

    // Used once: the same link again is refused in words.
    const again = await newPage(browser);
    await again.page.goto(link);
    await again.page.getByRole("alert").filter({ hasText: "already used" }).waitFor();
    // The browser logs the refused lookup (410) itself; nothing else may be an error.
    expect(again.errors.filter((e) => !e.includes("410"))).toEqual([]);

    await page.reload();
    await page.getByRole("cell", { name: invitee, exact: true }).first().waitFor();
    await page.getByText("No pending invitations.").waitFor();
    expect(errors).toEqual([]);
  });

  it("shows the limits and the alerts; an admin chooses the org's policy and adds, tests and removes a channel", async () => {
    const { page, errors } = await newPage(browser);
    await signIn(page, platform.adminEmail(), platform.adminPassword());
    await page.goto(`${platform.portal()}/orgs/${org}/limits`);
    await page.getByText("All keys together: no policy").waitFor();
    await page.getByLabel("The default policy").waitFor();
    await page.getByLabel("Policy for all keys together").selectOption("demo");
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByText("The organisation now follows policy demo.").waitFor();
    await page.getByLabel("Policy demo").waitFor();
    expect((await adminApi("GET", `/api/v1/orgs/${org}`) as { policy: string }).policy).toBe("demo");
    await accessible(page, "limits");
    await screenshot(page, "limits");

    await page.getByRole("link", { name: "Alerts" }).click();
    await page.getByRole("heading", { name: "Alert history" }).waitFor();
    await page.getByText(/No alerts yet|passed \d+ %|runs out/).first().waitFor();
    if (mailbox) {
      await page.getByLabel("Name").fill("finance");
      await page.getByLabel("Type").selectOption("email");
      await page.getByLabel("Email address").fill(finance);
      await page.getByRole("button", { name: "Add channel" }).click();
      await page.getByText("Channel finance added.").waitFor();
      await page.getByRole("button", { name: "Send a test to finance" }).click();
      await page.getByText("Test message delivered.").waitFor();
      expect((await mails(finance)).length).toBe(1);

      // A key whose budget alerts at 1 %: one completion crosses it at the gateway, the control plane
      // relays the crossing, emails the channel, and the history shows it with the delivery.
      const key = await adminApi("POST", `/api/v1/orgs/${org}/keys`, { id: "alerting", models: [platform.model()],
        budget: { limitUsd: 0.0001, period: "month", alertsAt: [1] } }) as { secret: string };
      await eventually("the gateway serves the alerting key", 20, async () => (await completion(key.secret)) === 200);
      await eventually("the key's alert is in the history, delivered by email", 60, async () => {
        await page.reload();
        await page.getByRole("heading", { name: "Alert history" }).waitFor();
        await page.getByText(/No alerts yet|passed 1 %/).first().waitFor();
        return await page.getByText("Key alerting passed 1 % of its budget", { exact: false }).isVisible()
          && await page.getByText(/finance: delivered/).isVisible();
      });
      expect((await mails(finance)).some((m) => m.subject.includes("alerting"))).toBe(true);
    } else {
      await page.getByLabel("Name").fill("finance");
      await page.getByLabel("Type").selectOption("slack");
      await page.getByLabel("Webhook URL").fill("https://hooks.slack.com/services/T000/B000/XXXX");
      await page.getByRole("button", { name: "Add channel" }).click();
      await page.getByText("Channel finance added.").waitFor();
    }
    await accessible(page, "alerts");
    await screenshot(page, "alerts");
    await page.getByRole("button", { name: "Remove channel finance" }).click();
    await page.getByRole("button", { name: "Remove finance now" }).click();
    await page.getByText("No channels: alerts are recorded here but sent nowhere.").waitFor();
    expect(errors).toEqual([]);
  });

  it("shows a member the limits and the alerts without their changes, and the API refuses them anyway", async () => {
    const { page, errors } = await newPage(browser, 390);
    await signIn(page, member, password);
    await page.goto(`${platform.portal()}/orgs/${org}/limits`);
    await page.getByRole("heading", { name: "The organisation's limits" }).waitFor();
    await page.getByRole("heading", { name: "Each key's limits" }).waitFor();
    expect(await page.getByRole("button", { name: "Save policy" }).count()).toBe(0);
    await accessible(page, "limits as a member, phone width");
    await page.getByRole("link", { name: "Alerts" }).click();
    await page.getByRole("heading", { name: "Alert history" }).waitFor();
    await page.getByRole("heading", { name: "Channels" }).waitFor();
    expect(await page.getByRole("button", { name: "Add channel" }).count()).toBe(0);
    await accessible(page, "alerts as a member, phone width");
    await page.getByRole("link", { name: "Members" }).click();
    await page.getByRole("heading", { name: "Pending invitations" }).waitFor();
    expect(await page.getByRole("button", { name: "Send invitation" }).count()).toBe(0);
    expect(errors).toEqual([]);

    const refused = await page.evaluate(async (orgPath) => {
      const csrf = document.cookie.split("; ").find((c) => c.startsWith("tollgate_csrf="))!.split("=")[1];
      const send = async (method: string, path: string, body: unknown) => (await fetch(path, { method,
        headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: JSON.stringify(body) })).status;
      return [await send("PATCH", orgPath, { policy: "default" }),
        await send("POST", `${orgPath}/alerts/channels`, { id: "sneaky", type: "slack", url: "https://hooks.slack.com/x" }),
        await send("POST", `${orgPath}/invites`, { email: "friend@example.com", role: "viewer" })];
    }, `/api/v1/orgs/${org}`);
    expect(refused).toEqual([403, 403, 403]);
    expect(errors.filter((e) => !e.includes("403"))).toEqual([]);
  });

  it("refuses a wrong password in words", async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(platform.portal() + "/");
    await page.getByLabel("Email").fill(member);
    await page.getByLabel("Password").fill("not the password, clearly");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor();
    // The browser logs the 401 of the refused sign-in itself; nothing else may be an error.
    expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
  });
});
