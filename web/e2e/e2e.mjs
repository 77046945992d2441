// End-to-end test of the browser demo against the built site.
//
//   BASE_URL=http://127.0.0.1:PORT/ SCREENSHOT=../../docs/web-screenshot.png node e2e.mjs
//
// web/test.sh serves web/dist and runs this. It uses the system Chromium
// (CHROMIUM, default /usr/bin/chromium) through playwright-core and never
// downloads a browser. Any console error, page error, failed request or
// request to another host fails the test.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const base = process.env.BASE_URL;
if (!base) {
  console.error("BASE_URL is not set");
  process.exit(2);
}
const screenshot = process.env.SCREENSHOT || "";
const origin = new URL(base).origin;

// The book's glossary, read as the demo reads it at build time
// (web/src/glossary.rs): the hover texts must be its definitions.
const glossaryMd = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../book/src/glossary.md"), "utf8");
const glossary = new Map();
{
  let term = null;
  let def = null;
  const flush = () => {
    if (term && def) glossary.set(term, def.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, ""));
    term = def = null;
  };
  for (const line of glossaryMd.split("\n")) {
    const t = line.trim();
    const m = /^\*\*(.+)\*\*$/.exec(t);
    if (m) { flush(); term = m[1]; } else if (t.startsWith(": ") && term) def = t.slice(2);
    else if (!t) flush();
    else if (def !== null) def += " " + t;
  }
  flush();
}
const definition = (name) => {
  for (const [t, d] of glossary) {
    const names = t.split(" / ").flatMap((p) => { const m = /^(.*) \((.*)\)$/.exec(p); return m ? [m[1], m[2]] : [p]; });
    if (names.some((n) => n.toLowerCase() === name.toLowerCase())) return d;
  }
  return null;
};

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


  // ---- Issue 12 (web review D2-D13): each behaviour by its content. ----
  const open = async (hash, viewport = { width: 1280, height: 800 }) => {
    await page.setViewportSize(viewport);
    await page.goto("about:blank");
    await page.goto(base + hash);
    await firstRender();
  };
  const leftPos = async () => parseInt(await pos("left"), 10);

  // D13 / item 2: what this is, what to watch, links to the book; glossary
  // terms explained on hover and on keyboard focus, in the book's words.
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=0");
  const intro = await page.locator("#intro").innerText();
  check("intro: says what the page is and what to watch", /steps through a model of Linux's set_pte_at_notify\(\) in two kernel versions side by side: press next ▶ and watch/.test(intro), intro);
  check("intro: in view on first load", await page.evaluate(() => { const r = document.getElementById("intro").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }));
  const introLinks = await page.locator("#intro a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  check("intro: links to the book's introduction and glossary", introLinks.includes("../introduction.html") && introLinks.includes("../glossary.html"), introLinks.join(" "));
  for (const t of ["secondary MMU", "spte", "PT lock", "milestone"]) {
    const idx = await page.locator("#intro .term").evaluateAll((els, t) => els.findIndex((e) => e.firstChild?.textContent.trim() === t), t);
    const term = page.locator("#intro .term").nth(Math.max(idx, 0));
    const tip = term.locator(".tip");
    const want = definition(t);
    check(`glossary: "${t}" is in book/src/glossary.md`, !!want);
    check(`glossary: "${t}" tip hidden until asked`, !(await tip.isVisible()));
    await term.hover();
    const hovered = (await tip.isVisible()) ? await tip.innerText() : "";
    check(`glossary: hovering "${t}" shows the book's definition`, want && hovered.replace(/\s+/g, " ").includes(want.slice(0, 80)), hovered);
    await page.mouse.move(1, 790);
  }
  // Keyboard: Tab from the top of the page reaches the "spte" term and shows its tip.
  await page.evaluate(() => document.activeElement?.blur());
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.classList.contains("term") && document.activeElement.firstChild?.textContent === "spte");
  }
  const focusedTip = reached ? await page.locator(".term:focus .tip").innerText() : "";
  check("glossary: Tab reaches a term and focus shows its definition", reached && focusedTip.includes(definition("spte").slice(0, 60)), focusedTip);
  const ptl = page.locator("#left .state dt .term", { hasText: "PT lock" }).first();
  await ptl.focus();
  check("glossary: the state pane's PT lock label is explained on focus", (await ptl.locator(".tip").innerText()).includes(definition("PT lock").slice(0, 60)));

  // D3: on a phone the listings wrap instead of being clipped, and each
  // listing is a named, focusable scroll region.
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=32,12", { width: 390, height: 844 });
  const codeBoxes = await page.locator(".code").evaluateAll((els) => els.map((e) => ({
    ws: getComputedStyle(e.querySelector("li")).whiteSpace, sw: e.scrollWidth, cw: e.clientWidth,
    tab: e.getAttribute("tabindex"), name: e.getAttribute("aria-label") || "",
  })));
  check("phone: listing lines wrap (white-space pre-wrap)", codeBoxes.every((b) => b.ws === "pre-wrap"), JSON.stringify(codeBoxes));
  check("phone: no listing is clipped", codeBoxes.every((b) => b.sw <= b.cw + 1), JSON.stringify(codeBoxes));
  check("listings are keyboard-scrollable regions with a name", codeBoxes.length === 2 && codeBoxes.every((b) => b.tab === "0" && b.name.includes("listing")), JSON.stringify(codeBoxes));
  await page.setViewportSize({ width: 320, height: 700 });
  check("320 px: no horizontal page scroll", await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1));

  // D7: after next, the narration (events) is in view at 1280x800 without
  // scrolling, and on a 390x844 phone the buttons stay reachable (sticky).
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=0");
  await page.locator("input[name=goto]").fill("write_protect_page:pte-set");
  await page.locator("input[name=goto]").press("Enter");
  await page.locator("#next").click();
  const ev = await page.locator("#left .events").boundingBox();
  const evText = await page.locator("#left .events").innerText();
  check("1280x800: the left events are in view after next", ev && ev.y >= 0 && ev.y + 40 <= 800, JSON.stringify(ev));
  check("1280x800: the right events are in view after next", await page.locator("#right .events").evaluate((e) => e.getBoundingClientRect().top + 40 <= innerHeight));
  check("the event log shows its newest line", await page.locator("#left .log-scroll").evaluate((box) => { const b = box.getBoundingClientRect(); const last = box.querySelector(".log > li:last-child").getBoundingClientRect(); return box.scrollHeight > box.clientHeight && last.bottom <= b.bottom + 1 && last.bottom > b.top; }));
  check("1280x800: the events narrate the move", /change_pte|set_pte_at_notify|step \d+/.test(evText), evText);
  check("1280x800: the current listing line is in view", await page.locator("#left .code li.current").evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }));
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=5", { width: 390, height: 844 });
  await page.locator("#left .events").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -60));
  const beforePhone = await page.locator("#left .events h3").innerText();
  const nextBox = await page.locator("#next").boundingBox();
  check("phone: next stays in view while reading the events", nextBox && nextBox.y >= 0 && nextBox.y + nextBox.height <= 844, JSON.stringify(nextBox));
  await page.locator("#next").click();
  const afterPhone = await page.locator("#left .events h3").innerText();
  const evPhone = await page.locator("#left .events").boundingBox();
  check("phone: next updates the events in view", afterPhone !== beforePhone && evPhone && evPhone.y < 844 && evPhone.y + evPhone.height > 0, `${beforePhone} -> ${afterPhone} ${JSON.stringify(evPhone)}`);

  // D5: picker changes push history, steps replace it: Back returns to the
  // previous view, and the view before the demo one Back later.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("about:blank");
  await page.goto(base + "#v1/ksm/wrapped/patched/kvm,gru/step=0");
  await firstRender();
  for (let i = 0; i < 5; i++) await page.locator("body").press("n");
  const stepped5 = page.url();
  await page.locator("#scenario").selectOption({ label: (await page.locator("#scenario option", { hasText: "uprobe" }).first().innerText()) });
  await page.waitForFunction(() => location.hash.startsWith("#v1/uprobe/"), null, { timeout: 5000 }).catch(() => {});
  check("picking a scenario shows it", page.url().includes("#v1/uprobe/"), page.url());
  await page.locator("#left select.semantics").selectOption("original");
  await page.waitForFunction(() => location.hash.startsWith("#v1/uprobe/original/"), null, { timeout: 5000 }).catch(() => {});
  await page.evaluate(() => history.back());
  await page.waitForFunction(() => location.hash.startsWith("#v1/uprobe/wrapped/"), null, { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(100);
  check("Back after a semantics change: the previous semantics", (await page.locator("#left h2").innerText()).includes("left: wrapped") && page.url().includes("#v1/uprobe/wrapped/"), page.url());
  await page.evaluate(() => history.back());
  await page.waitForFunction(() => location.hash.startsWith("#v1/ksm/"), null, { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(100);
  check("Back after a scenario change: the previous scenario at its step", page.url() === stepped5 && (await page.locator(".tagline").innerText()).startsWith("ksm"), `${page.url()} vs ${stepped5}`);
  check("Back: the page shows the step of that view", (await leftPos()) === parseInt(new URL(stepped5).hash.split("step=")[1], 10));
  await page.goBack().catch(() => {});
  check("steps do not add history entries (one more Back leaves the demo)", page.url() === "about:blank", page.url());

  // D6: hostile links: notes capped and counted, the page width bounded.
  for (const [what, hash, want] of [
    ["100,000-character scenario", "#v1/" + "a".repeat(100000) + "/wrapped/patched/kvm,gru/step=3", "(100000 characters)"],
    ["10,000 x &x=1", "#v1/ksm/wrapped/patched/kvm,gru/step=3" + "&x=1".repeat(10000), "(×10000)"],
  ]) {
    await open(hash);
    const m = (await page.locator(".status .message").textContent()) ?? "";
    check(`hostile link (${what}): short message`, m.length < 400 && m.includes(want), `${m.length} chars: ${m.slice(0, 200)}`);
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth, document.documentElement.scrollHeight]);
    check(`hostile link (${what}): page width bounded`, w[0] <= w[1] + 1 && w[2] < 20000, JSON.stringify(w));
    check(`hostile link (${what}): the view is shown`, (await leftPos()) === 3);
  }

  // D8: a shared link restores what the sender saw after the last move.
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=51,36");
  await page.locator("body").press("o");
  await page.locator("body").press("r");
  await page.waitForFunction(() => location.hash.includes("from="), null, { timeout: 5000 }).catch(() => {});
  const sent = page.url();
  const seen = {
    title: await page.locator("#left .events h3").innerText(),
    changed: await page.locator(".state .changed").count(),
    focused: await page.locator(".column.focused").getAttribute("id"),
  };
  check("after r the URL names the last move", sent.includes("&from=51,36") && sent.includes("&focus=right"), sent);
  const other = await context.newPage();
  await other.goto(sent);
  await other.waitForFunction(() => typeof window.__notifierLabFirstRender === "number", null, { timeout: 20000 });
  const got = {
    title: await other.locator("#left .events h3").innerText(),
    changed: await other.locator(".state .changed").count(),
    focused: await other.locator(".column.focused").getAttribute("id"),
  };
  check("a shared link restores the event range, highlights and focus", JSON.stringify(got) === JSON.stringify(seen) && seen.title.includes("steps 52–") && seen.changed > 0, `${JSON.stringify(seen)} vs ${JSON.stringify(got)}`);
  check("the receiver's URL is the sender's", other.url() === sent, other.url());
  await other.close();
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=51,36");
  check("an old v1 link is kept byte for byte", new URL(page.url()).hash === "#v1/ksm/wrapped/patched/kvm,gru/step=51,36", page.url());

  // D9: listing lines by keyboard: Tab to the current line, arrows, Enter runs to it.
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=5");
  const startPc = parseInt(await page.locator("#left .code li.current").getAttribute("data-pc"), 10);
  await page.locator("#left .code").focus();
  await page.keyboard.press("Tab");
  check("Tab from the listing reaches its current line", await page.evaluate(() => document.activeElement?.matches("#left .code li.current")));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const targetPc = await page.evaluate(() => parseInt(document.activeElement?.getAttribute("data-pc"), 10));
  check("↓ moves along the listing", targetPc === startPc + 2, `${startPc} -> ${targetPc}`);
  const posBefore = await leftPos();
  await page.keyboard.press("Enter");
  const nowPc = parseInt(await page.locator("#left .code li.current").getAttribute("data-pc"), 10);
  check("Enter runs the side until that line is next", nowPc === targetPc && (await leftPos()) > posBefore, `pc ${nowPc}, pos ${posBefore} -> ${await leftPos()}`);

  // D10: single-key shortcuts can be turned off (remembered); arrows still work.
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=5");
  const box = page.locator("#shortcuts");
  check("shortcuts toggle: visible and on by default", (await box.isVisible()) && (await box.isChecked()));
  await box.uncheck();
  await page.locator("body").press("n");
  check("shortcuts off: n does nothing", (await leftPos()) === 5);
  await page.reload();
  await firstRender();
  check("shortcuts off: remembered after a reload", !(await page.locator("#shortcuts").isChecked()));
  await page.locator("body").press("n");
  check("shortcuts off after reload: n still does nothing", (await leftPos()) === 5);
  await page.locator("body").press("ArrowRight");
  check("shortcuts off: → still steps", (await leftPos()) > 5);
  await page.locator("#shortcuts").check();
  const p0 = await leftPos();
  await page.locator("body").press("n");
  check("shortcuts on again: n steps", (await leftPos()) > p0);

  // D11: line numbers never overlap the code (long lines of the cow replay).
  await open("#v1/cow/patched/patched/kvm,gru/step=43,63&actors=host_write,gru_read&schedule=000000000000000000000000000000000000000000012");
  for (const w of [1280, 390]) {
    await page.setViewportSize({ width: w, height: 800 });
    const overlaps = await page.locator(".code li").evaluateAll((lis) => lis.filter((li) => {
      const ln = li.querySelector(".ln").getBoundingClientRect();
      const code = li.querySelector("code").getBoundingClientRect();
      return ln.right > code.left + 0.5 || li.querySelector(".ln").scrollWidth > li.querySelector(".ln").clientWidth + 1;
    }).map((li) => li.innerText));
    check(`${w} px: line numbers do not overlap the code`, overlaps.length === 0, overlaps.slice(0, 3).join(" | "));
  }

  // D12: no link-coloured plain text; the blue milestone lines are in the legend.
  await page.setViewportSize({ width: 1280, height: 800 });
  const colours = await page.evaluate(() => {
    const link = getComputedStyle(document.querySelector("a")).color;
    const crumb = getComputedStyle(document.querySelector(".breadcrumb li")).color;
    const ms = document.querySelector(".code .has-milestone code");
    const legend = document.querySelector(".legend .milestone");
    return { link, crumb, ms: ms && getComputedStyle(ms).color, legend: legend && getComputedStyle(legend).color, legendText: legend?.textContent };
  });
  check("the call stack is not link-coloured", colours.crumb !== colours.link, JSON.stringify(colours));
  check("the legend explains the blue milestone lines", colours.legend === colours.ms && /milestone/.test(colours.legendText ?? ""), JSON.stringify(colours));

  // ---- Issue 12 "See it, don't read it": the mapping diagram and the
  // thread timeline of Haggai Eran's race, by their content. ----
  const haggai =
    "#v1/cow/patched/patched/kvm,gru/step=45,65&actors=host_write,gru_read&schedule=000000000000000000000000000000000000000000012";
  for (const vp of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await open(haggai, vp);
    const inView = await page.evaluate(() => {
      const r = document.querySelector("#left .violations")?.getBoundingClientRect();
      return r && { top: r.top, bottom: r.bottom, h: innerHeight, ok: r.top >= 0 && r.bottom <= innerHeight && r.height > 0 };
    });
    check(`replay ${vp.width}x${vp.height}: the violation box is in the viewport without scrolling`, inView?.ok, JSON.stringify(inView));
    check(`replay ${vp.width}x${vp.height}: no horizontal page scroll`, await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1));
  }
  await open(haggai);
  const diagram = page.locator("#left .mappings svg");
  const dlabel = (await diagram.getAttribute("aria-label")) ?? "";
  check("diagram: an image named the mapping diagram", (await diagram.getAttribute("role")) === "img" && dlabel.startsWith("Mapping diagram: "), dlabel);
  check("diagram: the pte points at the new page 0x300", dlabel.includes("pte 0x7f0000010000 → page 0x300"), dlabel);
  check("diagram: the GRU arrow points at the old page 0x200, marked stale", dlabel.includes("GRU TLB 0x7f0000010000 → page 0x200 (stale: the process maps 0x300)"), dlabel);
  const gruArrow = diagram.locator('g.arrow[data-key^="gru tlb"]');
  check("diagram: the drawn GRU arrow is stale and targets 0x200", (await gruArrow.getAttribute("data-class")) === "stale" && (await gruArrow.getAttribute("data-pfn")) === "0x200");
  check("diagram: the drawn pte arrow targets 0x300", (await diagram.locator('g.arrow[data-key^="pte "]').getAttribute("data-pfn")) === "0x300");
  const gruStroke = await gruArrow.locator("line").getAttribute("stroke");
  const pteStroke = await diagram.locator('g.arrow[data-key^="pte "] line').getAttribute("stroke");
  check("diagram: the stale arrow is drawn in the violation colour, unlike the pte's", gruStroke === "#c62828" && pteStroke !== gruStroke, `${gruStroke} ${pteStroke}`);
  check("diagram: its text names the stale mapping", (await diagram.textContent()).includes("stale: the process maps 0x300"));
  const tl = page.locator('#left section[aria-label="left thread timeline"]');
  check("timeline: a section named the thread timeline", (await tl.count()) === 1);
  const tlabel = (await tl.locator("svg").getAttribute("aria-label")) ?? "";
  check("timeline: its SVG is named the thread timeline", tlabel.startsWith("Thread timeline: 45 of 45 steps, 2 context switches"), tlabel);
  const lanes = await tl.locator("g.lane text[font-weight=bold]").allTextContents();
  check("timeline: lanes host, host_write, gru", JSON.stringify(lanes) === JSON.stringify(["host", "host_write", "gru"]), JSON.stringify(lanes));
  check("timeline: the switches are drawn", (await tl.locator("line.switch").count()) === 2 && tlabel.includes("switches: step 44 to host_write, step 45 to gru"), tlabel);
  const where = await tl.locator(".lanes").innerText();
  check("timeline: every thread's position is printed (the host mid-way while GRU reads)", /host \(thread 0\) at (?!done)\S+:\d+/.test(where) && /gru \(thread 2\) at done/.test(where), where);
  const legendText = await tl.locator(".schedule").innerText();
  check("timeline: the schedule is printed with its legend", legendText.includes("schedule 0×43 1 2") && legendText.includes("0 = host, 1 = host_write, 2 = gru"), legendText);
  check("timeline: the violating mark is labelled", (await tl.locator("rect.mark.violation").getAttribute("data-step")) === "45" && (await tl.locator(".violation-label").textContent()).includes("step 45"));
  if (screenshot) {
    const dir = dirname(screenshot);
    await page.locator("#left .mappings .svg-box").screenshot({ path: join(dir, "web-diagram.png") });
    await tl.screenshot({ path: join(dir, "web-timeline.png") });
    console.log(`screenshots: ${join(dir, "web-diagram.png")} ${join(dir, "web-timeline.png")}`);
  }
  // Clicking a mark moves the side to that step; Enter on a focused mark too.
  await tl.locator('rect.mark[data-step="10"]').click();
  await page.waitForFunction(() => document.querySelector("#left output.pos")?.textContent.trim().startsWith("10/"), null, { timeout: 5000 }).catch(() => {});
  check("timeline: clicking mark 10 goes to step 10", (await pos("left")).startsWith("10/"), await pos("left"));
  await tl.locator('rect.mark[data-step="3"]').focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#left output.pos")?.textContent.trim().startsWith("3/"), null, { timeout: 5000 }).catch(() => {});
  check("timeline: Enter on focused mark 3 goes to step 3", (await pos("left")).startsWith("3/"), await pos("left"));
  check("timeline: after the jump only 3 marks are drawn", (await tl.locator("rect.mark").count()) === 3);
  check("timeline: the marks are one tab stop, the newest", (await tl.locator('rect.mark[tabindex="0"]').count()) === 1 && (await tl.locator('rect.mark[tabindex="0"]').getAttribute("data-step")) === "3");
  await tl.locator('rect.mark[tabindex="0"]').focus();
  await page.keyboard.press("ArrowLeft");
  const focusedStep = await page.evaluate(() => document.activeElement?.getAttribute("data-step"));
  check("timeline: ← moves the focus to the previous mark", focusedStep === "2", String(focusedStep));
  check("timeline: ← on a mark does not step the walkthrough back", (await pos("left")).startsWith("3/"), await pos("left"));
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#left output.pos")?.textContent.trim().startsWith("2/"), null, { timeout: 5000 }).catch(() => {});
  check("timeline: Enter there goes to step 2", (await pos("left")).startsWith("2/"), await pos("left"));

  // D7: eight semantics. Both pickers list them in Semantics::ALL order;
  // v6.10 and event_aware are picked like the others and named in the
  // link; a notifier that does not exist at a side's tag is not offered,
  // and an era without a registered notifier is not offered either.
  const eight = ["original", "wrapped", "patched", "bracket_if_missing", "event_aware", "v4.15", "v6.9", "v6.10"];
  await open("#v1/ksm/wrapped/patched/kvm,gru/step=0");
  for (const side of ["left", "right"]) {
    const ids = await page.locator(`#${side} select.semantics option`).evaluateAll((os) => os.map((o) => o.value));
    check(`${side} semantics picker lists the eight semantics`, JSON.stringify(ids) === JSON.stringify(eight), JSON.stringify(ids));
  }
  await page.locator("#left select.semantics").selectOption("v6.10");
  await page.waitForFunction(() => location.hash.startsWith("#v1/ksm/v6.10/patched/"), null, { timeout: 5000 }).catch(() => {});
  check("picking v6.10 on the left shows it and writes it in the link", (await page.locator("#left h2").innerText()).includes("left: v6.10") && page.url().includes("#v1/ksm/v6.10/patched/kvm,gru/"), page.url());
  await page.locator("#right select.semantics").selectOption("event_aware");
  await page.waitForFunction(() => location.hash.startsWith("#v1/ksm/v6.10/event_aware/"), null, { timeout: 5000 }).catch(() => {});
  check("picking event_aware on the right shows it and writes it in the link", (await page.locator("#right h2").innerText()).includes("right: event_aware") && page.url().includes("#v1/ksm/v6.10/event_aware/kvm,gru/"), page.url());
  for (let i = 0; i < 3; i++) await page.locator("body").press("n");
  check("v6.10 against event_aware steps", (await leftPos()) > 0 && parseInt(await pos("right"), 10) > 0, `${await pos("left")} ${await pos("right")}`);
  const absent = page.locator(".notifiers label.absent");
  const absentCount = await absent.count();
  let absentOk = absentCount > 0;
  for (let i = 0; i < absentCount; i++) {
    const l = absent.nth(i);
    // Absent at v6.10 (left) or at event_aware's v3.13+alt (right).
    absentOk &&= (await l.locator("input").isDisabled()) && /`[a-z_0-9]+`.* at v(6\.10|3\.13\+alt)/.test((await l.getAttribute("title")) ?? "");
  }
  check("notifiers absent at v6.10 or event_aware are not offered (disabled, the title says why)", absentOk, `${absentCount} absent`);
  await page.locator("#left select.semantics").selectOption("wrapped");
  await page.waitForFunction(() => location.hash.startsWith("#v1/ksm/wrapped/event_aware/"), null, { timeout: 5000 }).catch(() => {});
  // Only Intel SVM (v4.4+) is absent at v3.13 and its design alternatives.
  const stillAbsent = await page.locator(".notifiers label.absent").evaluateAll((ls) => ls.map((l) => l.getAttribute("title") ?? ""));
  check("back at wrapped/event_aware every notifier but intel_svm is offered", stillAbsent.length === 1 && stillAbsent[0].includes("`intel_svm`") && (await page.locator(".notifiers input:disabled").count()) === 1, JSON.stringify(stillAbsent));
  await open("#v1/ksm/wrapped/patched/kvm,amd_iommu_v2/step=0");
  const refused = await page.locator("#left select.semantics option:disabled").evaluateAll((os) => os.map((o) => o.value));
  check("with AMD IOMMUv2 registered, v6.10 is not offered", refused.includes("v6.10") && !refused.includes("wrapped"), JSON.stringify(refused));

  check("no console errors, failed requests or foreign hosts", problems.length === 0, problems.join(" | "));
} catch (e) {
  failed++;
  console.log(`FAIL - exception: ${e?.stack ?? e}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}


// D2: when the script cannot be loaded, a message replaces "Loading…".
{
  const ctx2 = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const p = await ctx2.newPage();
    await p.route("**/notifier_lab_web.js", (r) => r.abort());
    await p.goto(base + "#v1/ksm/wrapped/patched/kvm,gru/step=5");
    const fatal = await p.locator(".fatal").textContent({ timeout: 10000 }).catch(() => "");
    check("script fails to load: a message instead of endless Loading…", /could not start/.test(fatal) && (await p.locator(".loading").count()) === 0, fatal);
    check("script fails to load: the message says how to serve it", /http\(s\)/.test(await p.locator("#app").innerText()));
  } catch (e) {
    failed++;
    console.log(`FAIL - D2 exception: ${e?.stack ?? e}`);
  } finally {
    await ctx2.close();
  }
}

console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
