// Time to first render and key->frame time of the browser demo, over cold
// loads (a fresh browser and profile each), with the system Chromium.
//
//   BASE_URL=http://127.0.0.1:PORT/ RUNS=5 node perf.mjs
//
// * first render: window.__notifierLabFirstRender (performance.now() at
//   yew's first `rendered`), 1280x800, no cache;
// * key->frame: for 10 presses of `n`, from the keydown (a capture
//   listener, before the demo's own) to the animation frame after the DOM
//   changed; the run's median.
// Prints each run and the medians as JSON on the last line.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.env.BASE_URL;
const runs = parseInt(process.env.RUNS || "5", 10);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const first = [];
const key = [];
for (let i = 0; i < runs; i++) {
  const profile = mkdtempSync(join(tmpdir(), "notifier-lab-perf-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(base + "#v1/ksm/wrapped/patched/kvm,gru/step=0");
    await page.waitForFunction(() => typeof window.__notifierLabFirstRender === "number", null, { timeout: 30000 });
    const fr = await page.evaluate(() => window.__notifierLabFirstRender);
    await page.evaluate(() => {
      window.__k = [];
      document.addEventListener("keydown", () => {
        const t0 = performance.now();
        const mo = new MutationObserver(() => {
          mo.disconnect();
          requestAnimationFrame(() => window.__k.push(performance.now() - t0));
        });
        mo.observe(document.getElementById("app") || document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      }, true);
    });
    for (let k = 0; k < 10; k++) {
      await page.locator("body").press("n");
      await page.waitForFunction((n) => window.__k.length >= n, k + 1, { timeout: 5000 });
    }
    const ks = await page.evaluate(() => window.__k);
    first.push(fr);
    key.push(median(ks));
    console.log(`run ${i + 1}: first render ${fr.toFixed(0)} ms, key->frame median ${median(ks).toFixed(1)} ms (max ${Math.max(...ks).toFixed(1)})`);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
console.log(JSON.stringify({ runs, first_render_median_ms: +median(first).toFixed(0), key_to_frame_median_ms: +median(key).toFixed(1) }));
