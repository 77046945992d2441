// End-to-end test of the browser demo against the built site.
//
//   BASE_URL=http://127.0.0.1:PORT/ SCREENSHOT=../../docs/web-screenshot.png node e2e.mjs
//
// web/test.sh serves web/dist and runs this. It uses the system Chromium
// (CHROMIUM, default /usr/bin/chromium) through playwright-core and never
// downloads a browser. Any console error, page error, failed request or
// request to another host fails the test.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.env.BASE_URL;
if (!base) {
  console.error("BASE_URL is not set");
  process.exit(2);
}
const screenshot = process.env.SCREENSHOT || "";
const origin = new URL(base).origin;

let passed = 0;
let failed = 0;
const problems = [];
function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   - ${name}`);
  } else {
    failed++;
    console.log(`FAIL - ${name}${detail ? `: ${detail}` : ""}`);
  }
}

const profile = mkdtempSync(join(tmpdir(), "notifier-lab-e2e-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
  viewport: { width: 1280, height: 860 },
  colorScheme: "light",
});

try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:")) problems.push(`request to another host: ${u}`);
  });

  const firstRender = async () => {
    await page.waitForFunction(() => typeof window.__notifierLabFirstRender === "number", null, { timeout: 20000 });
    return page.evaluate(() => window.__notifierLabFirstRender);
  };
  const pos = async (side) => (await page.locator(`#${side} output.pos`).textContent()).trim();

  // 1. A deep link opens at its step with every pane.
  const deep = "#v1/ksm/wrapped/patched/kvm,gru/step=5";
  await page.goto(base + deep);
  const ttfr = await firstRender();
  console.log(`time to first render: ${ttfr.toFixed(1)} ms (performance.now() at the first rendered frame)`);
  check("deep link: left at step 5", (await pos("left")).startsWith("5/"), await pos("left"));
  check("deep link: right at step 5", (await pos("right")).startsWith("5/"), await pos("right"));
  const leftText = await page.locator("#left").innerText();
  for (const want of ["PT lock", "notifier list", "KVM", "SGI GRU", "mmu_notifier_seq", "mmu_notifier_count", "ms_range_active", "waiters", "pages"]) {
    check(`deep link: left pane shows ${want}`, leftText.includes(want));
  }
  check("listing has a current statement", (await page.locator("#left .code li.current").count()) === 1);
  check("breadcrumb shows the call stack", (await page.locator("#left .breadcrumb li").count()) >= 1);
  const href = await page.locator("#left a.source").getAttribute("href");
  check("citation links to elixir", /^https:\/\/elixir\.bootlin\.com\/linux\/v3\.13\/source\/.+#L\d+$/.test(href ?? ""), href);
  check("no message for a good link", ((await page.locator(".status .message").count()) === 0));

  // 2. `n` advances and the URL follows.
  const before = page.url();
  const leftBefore = parseInt(await pos("left"), 10);
  await page.locator("body").press("n");
  await page.waitForFunction((b) => location.href !== b, before, { timeout: 5000 }).catch(() => {});
  const leftAfter = parseInt(await pos("left"), 10);
  check("n advances the left side", leftAfter > leftBefore, `${leftBefore} -> ${leftAfter}`);
  check("URL changed after n", page.url() !== before, page.url());
  check("URL is a v1 link of the new view", new URL(page.url()).hash.startsWith("#v1/ksm/wrapped/patched/kvm,gru/step="), page.url());
  const saved = page.url();

  // 3. Keyboard only: help, stepping to a common milestone with differences.
  await page.keyboard.press("?");
  check("? opens the help", await page.locator(".help").isVisible());
  await page.keyboard.press("Escape");
  check("Escape closes the help", (await page.locator(".help").count()) === 0);
  await page.keyboard.press("g");
  check("g focuses the go-to box", await page.evaluate(() => document.activeElement?.getAttribute("name") === "goto"));
  await page.keyboard.type("write_protect_page:pte-set");
  await page.keyboard.press("Enter");
  await page.locator("body").click({ position: { x: 5, y: 5 } }).catch(() => {});
  const status = await page.locator(".status").innerText();
  check("go to a milestone: both sides there", status.includes("write_protect_page:pte-set"), status);
  check("differences are marked at a common milestone", (await page.locator(".state .differs").count()) > 0);
  check("changes are marked", (await page.locator(".state .changed").count()) > 0);

  // 4. The saved link reproduces the view after a reload.
  await page.goto(saved);
  await page.reload();
  await firstRender();
  check("saved link restores the step", parseInt(await pos("left"), 10) === leftAfter);

  // Screenshot of an interesting view: both at a milestone where the eras differ.
  if (screenshot) {
    await page.goto(base + "#v1/ksm/wrapped/patched/kvm,gru/step=0");
    await page.reload();
    await firstRender();
    await page.locator("input[name=goto]").fill("write_protect_page:pte-set");
    await page.locator("input[name=goto]").press("Enter");
    await page.locator("body").click({ position: { x: 5, y: 5 } }).catch(() => {});
    await page.setViewportSize({ width: 1200, height: 760 });
    await page.screenshot({ path: screenshot, type: "png" });
    console.log(`screenshot: ${screenshot}`);
  }

  // 5. A malformed link: message and the nearest valid view, via hashchange.
  await page.evaluate(() => { location.hash = "#v1/nosuch/ancient/patched/kvm/step=abc"; });
  await page.waitForSelector(".status .message", { timeout: 5000 }).catch(() => {});
  let msg = (await page.locator(".status .message").textContent().catch(() => "")) ?? "";
  check("malformed link (hashchange): message shown", msg.includes("unknown scenario") && msg.includes("ancient"), msg);
  check("malformed link: nearest valid view", (await page.locator("#left").innerText()).includes("PT lock"));
  check("malformed link: URL names the view shown", new URL(page.url()).hash.startsWith("#v1/ksm/wrapped/patched/kvm/"), page.url());

  // ...and on a fresh load.
  await page.goto("about:blank");
  await page.goto(base + "#not-a-link");
  await firstRender();
  msg = (await page.locator(".status .message").textContent().catch(() => "")) ?? "";
  check("malformed link (load): message shown", msg.includes("not a notifier-lab link"), msg);

  // 6. A counterexample link, as `notifier-lab check cow -s patched
  // --actors host_write,gru_read` prints it (core/tests/checker.rs checks
  // that the explorer writes exactly this string): the banner, the violation
  // in plain language on the left, the default schedule on the right.
  const cx =
    "#v1/cow/patched/patched/kvm,gru/step=45,65&actors=host_write,gru_read&schedule=000000000000000000000000000000000000000000012";
  await page.goto("about:blank");
  await page.goto(base + cx);
  await firstRender();
  const banner = (await page.locator(".replay-banner").textContent().catch(() => "")) ?? "";
  check(
    "counterexample link: replay banner",
    banner.includes("Counterexample replay: left = the explorer's schedule (45 steps, stale_secondary_read), right = default schedule"),
    banner,
  );
  check("counterexample link: left at the violating step", (await pos("left")) === "45/45", await pos("left"));
  const violations = (await page.locator("#left .violations").innerText().catch(() => "")) ?? "";
  check(
    "counterexample link: the left column explains the violation",
    violations.includes("stale_secondary_read at step 45: the GRU read 0x5a5a") && violations.includes("The rule: "),
    violations,
  );
  check("counterexample link: no violation on the right", (await page.locator("#right .violations").count()) === 0);
  check("counterexample link: no message", (await page.locator(".status .message").count()) === 0);
  // The link already names the position the walkthrough gives the right
  // side next to step 45, so the page keeps it unchanged.
  const shown = decodeURIComponent(new URL(page.url()).hash);
  check("counterexample link: URL keeps the replay", shown === cx, shown);
  const atViolation = page.url();
  await page.locator("body").press("b");
  await page.waitForFunction((b) => location.href !== b, atViolation, { timeout: 5000 }).catch(() => {});
  const stepped = decodeURIComponent(new URL(page.url()).hash);
  check("counterexample link: back keeps the replay", (await page.locator(".replay-banner").count()) === 1);
  check(
    "counterexample link: the URL still names the schedule",
    stepped.startsWith("#v1/cow/patched/patched/kvm,gru/step=44") && stepped.endsWith("&actors=host_write,gru_read&schedule=" + cx.split("schedule=")[1]),
    stepped,
  );

  // 7. Phone width: the columns stack.
  await page.setViewportSize({ width: 390, height: 844 });
  const l = await page.locator("#left").boundingBox();
  const r = await page.locator("#right").boundingBox();
  check("narrow screen: columns stacked", l && r && r.y >= l.y + l.height - 1, JSON.stringify({ l, r }));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check("narrow screen: no horizontal page scroll", overflow <= 1, `${overflow}px`);

  check("no console errors, failed requests or foreign hosts", problems.length === 0, problems.join(" | "));
} catch (e) {
  failed++;
  console.log(`FAIL - exception: ${e?.stack ?? e}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
