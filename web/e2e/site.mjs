// Book -> demo links in the built site (scripts/site.sh), in headless
// Chromium: a sample of the book's demo links is clicked on their book page
// and the demo must render the linked position with no console error and no
// link message; the demo's links back to the book must open book pages.
//
//   SITE_DIR=../../site BASE_URL=http://127.0.0.1:PORT/ SAMPLE=10 node site.mjs
//
// The sample: the races chapter's counterexample link for Eran's race under
// the patch (cow, patched, host_write + gru_read), then links spread evenly over the sorted list of every
// other distinct demo link. scripts/test.sh runs it after the link check.
import { chromium } from "playwright-core";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.env.BASE_URL;
const siteDir = process.env.SITE_DIR;
const sample = parseInt(process.env.SAMPLE || "10", 10);
if (!base || !siteDir) {
  console.error("BASE_URL and SITE_DIR must be set");
  process.exit(2);
}

// Every demo link of every book page (top level: the book's chapters).
const unescape = (s) => s.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
const links = [];
for (const f of readdirSync(siteDir).filter((f) => f.endsWith(".html")).sort()) {
  const html = readFileSync(join(siteDir, f), "utf8");
  for (const m of html.matchAll(/<a\b[^>]*\bhref="((?:\.\.\/)*demo\/index\.html#[^"]+)"/g)) links.push({ page: f, href: unescape(m[1]) });
}
const cx = links.filter((l) => l.page === "review-races.html" && l.href.includes("&schedule="));
const races = cx.find((l) => l.href.includes("#v1/cow/patched/patched/")) ?? cx[0];
// Each distinct link once, on the first chapter that has it (print.html,
// the whole book on one page, only when no chapter has it).
const distinct = new Map();
for (const l of [...links.filter((l) => l.page !== "print.html"), ...links.filter((l) => l.page === "print.html")]) {
  if (l !== races && l.href !== races?.href && !distinct.has(l.href)) distinct.set(l.href, l);
}
const others = [...distinct.values()].sort((a, b) => (a.href < b.href ? -1 : 1));
const chosen = [races];
for (let i = 0; i < sample - 1 && others.length; i++) chosen.push(others[Math.floor((i * others.length) / (sample - 1))]);

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`ok   - ${name}`); } else { failed++; console.log(`FAIL - ${name}${detail ? `: ${detail}` : ""}`); }
}
check(`the book has demo links (${links.length}), the races chapter a counterexample one`, links.length > 100 && !!races);

const profile = mkdtempSync(join(tmpdir(), "notifier-lab-site-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  viewport: { width: 1280, height: 800 },
});
const started = Date.now();
try {
  const page = context.pages()[0] ?? (await context.newPage());
  let problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  for (const { page: from, href } of chosen.filter(Boolean)) {
    problems = [];
    const frag = href.slice(href.indexOf("#"));
    const step = /step=(\d+)(?:,(\d+))?/.exec(frag);
    await page.goto("about:blank");
    await page.goto(base + from);
    await page.locator(`a[href=${JSON.stringify(href)}]`).first().click();
    await page.waitForFunction(() => typeof window.__notifierLabFirstRender === "number", null, { timeout: 20000 });
    const pos = async (side) => (await page.locator(`#${side} output.pos`).textContent()).trim();
    const url = new URL(page.url());
    const msg = (await page.locator(".status .message").count()) ? await page.locator(".status .message").innerText() : "";
    const okPos = (await pos("left")).startsWith(`${step[1]}/`) && (!step[2] || (await pos("right")).startsWith(`${step[2]}/`));
    const replay = !frag.includes("&schedule=") || (await page.locator(".replay-banner").count()) === 1;
    check(
      `${from} -> demo ${frag.slice(0, 90)}`,
      url.pathname.endsWith("/demo/index.html") && okPos && replay && !msg && problems.length === 0,
      `at ${url.pathname}${decodeURIComponent(url.hash).slice(0, 60)}: left ${await pos("left")}, right ${await pos("right")}; message "${msg}"; ${problems.join(" | ")}`,
    );
  }
  // The demo's links back to the book.
  problems = [];
  await page.goto(base + "demo/index.html");
  await page.waitForFunction(() => typeof window.__notifierLabFirstRender === "number", null, { timeout: 20000 });
  const back = await page.locator("#intro a").evaluateAll((as) => as.map((a) => a.href));
  check("the demo links to the book's introduction and glossary", back.some((h) => h.endsWith("/introduction.html")) && back.some((h) => h.endsWith("/glossary.html")), back.join(" "));
  for (const h of back) {
    const r = await page.goto(h);
    const title = await page.title();
    check(`demo -> book ${new URL(h).pathname}`, r && r.status() === 200 && /notifier-lab|Glossary|How to read/i.test(title) && problems.length === 0, `${r?.status()} ${title} ${problems.join(" | ")}`);
  }
} catch (e) {
  failed++;
  console.log(`FAIL - exception: ${e?.stack ?? e}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`site: ${chosen.length} book->demo links opened in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`site-links: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
