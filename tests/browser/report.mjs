// Opens an srm-lint HTML report in headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM) and prints, as one JSON object, what a person sees: the verdict totals, every
// resource and duty row once all are expanded, what a verdict filter leaves visible, the
// requests the page made, console errors, dialogs, elements that could only come from injected
// markup, the page without script, and the load time. tests/report_html.rs asserts on it.
//
//   node tests/browser/report.mjs REPORT.html [SCREENSHOT.png]
//   node tests/browser/report.mjs --measure REPORT.html   (load time of a large report: the
//                                  totals, the first page and one filter click, nothing expanded)
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const measure = process.argv.includes("--measure");
const [file, screenshot] = process.argv.slice(2).filter((a) => a !== "--measure");
if (!file) {
  console.error("usage: node report.mjs REPORT.html [SCREENSHOT.png]");
  process.exit(2);
}
const url = pathToFileURL(path.resolve(file)).href;
const args = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

async function open(context, seen) {
  const page = await context.newPage();
  page.on("request", (r) => { if (r.url() !== url) seen.requests.push(r.url()); });
  page.on("console", (m) => { if (m.type() === "error") seen.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => seen.consoleErrors.push(String(e)));
  page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return page;
}

// A browser on a fresh profile, removed again by `close`.
async function launch(javaScriptEnabled) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "srm-lint-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args,
    javaScriptEnabled,
    viewport: { width: 1280, height: 900 },
  });
  context.done = async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return context;
}

const out = { requests: [], consoleErrors: [], dialogs: [] };
const context = await launch(true);
try {
  const page = await open(context, out);
  const started = Date.now();
  await page.goto(url, { waitUntil: "load", timeout: 120000 });
  out.loadMs = Date.now() - started;
  await page.waitForSelector("#matches[data-resources]", { timeout: 120000 });
  out.readyMs = Date.now() - started;
  out.totals = await page.$$eval("#totals .count", (els) =>
    Object.fromEntries(els.map((e) => [e.id.replace("total-", ""), Number(e.textContent)])));
  out.layers = await page.$$eval("table.layers tbody tr", (trs) => trs.map((tr) => ({
    layer: tr.dataset.layer,
    counts: Object.fromEntries([...tr.querySelectorAll("td")].map((td) => [td.dataset.verdict, Number(td.textContent)])),
  })));
  out.services = await page.$$eval("table.services tbody tr", (trs) => trs.map((tr) => tr.dataset.service));
  out.matches = await page.textContent("#matches");
  if (screenshot) { await page.screenshot({ path: screenshot, fullPage: false }); }
  if (measure) {
    const t = Date.now();
    const before = await page.textContent("#matches");
    await page.selectOption("#f-verdict", "unaddressed");
    await page.waitForFunction((b) => document.querySelector("#matches").textContent !== b, before);
    out.filterMs = Date.now() - t;
    out.filtered = { matches: await page.textContent("#matches") };
    out.heapMB = Math.round((await page.evaluate(() => performance.memory ? performance.memory.usedJSHeapSize : 0)) / 1048576);
    process.stdout.write(JSON.stringify(out) + "\n");
    await context.done();
    process.exit(0);
  }
  // Every resource, expanded: the addresses and duty rows a person can see.
  while (await page.isVisible("#more")) { await page.click("#more"); }
  await page.click("#expand");
  const visibleRows = () => page.$$eval("#resources tr.duty-row", (trs) => trs
    .filter((tr) => tr.checkVisibility())
    .map((tr) => [tr.closest("details").dataset.address, tr.dataset.duty, tr.dataset.verdict, tr.innerText]));
  out.resources = await page.$$eval("#resources details.res", (ds) => ds
    .filter((d) => d.checkVisibility())
    .map((d) => d.querySelector("summary").innerText));
  out.rows = await visibleRows();
  // A filter click: only unaddressed duties stay visible.
  const before = await page.textContent("#matches");
  await page.selectOption("#f-verdict", "unaddressed");
  await page.waitForFunction((b) => document.querySelector("#matches").textContent !== b, before);
  while (await page.isVisible("#more")) { await page.click("#more"); }
  await page.click("#expand");
  out.filtered = { matches: await page.textContent("#matches"), rows: await visibleRows() };
  // The search box (with the verdict filter back to all).
  await page.selectOption("#f-verdict", "");
  const unfiltered = await page.textContent("#matches");
  await page.fill("#f-search", "OrdersQueue");
  await page.waitForFunction((b) => document.querySelector("#matches").textContent !== b, unfiltered);
  while (await page.isVisible("#more")) { await page.click("#more"); }
  await page.click("#expand");
  out.searched = { matches: await page.textContent("#matches"), rows: await visibleRows() };
  await page.fill("#f-search", "");
  // Elements that only injected markup would make.
  out.injected = await page.evaluate(() => ({
    img: document.querySelectorAll("img").length,
    scripts: document.querySelectorAll("script").length,
    onerror: document.querySelectorAll("[onerror]").length,
  }));
  await page.close();
} finally {
  await context.done();
}
// Without script: the summary and the service tables still read.
const plain = await launch(false);
try {
  const ns = await open(plain, out);
  await ns.goto(url, { waitUntil: "load", timeout: 120000 });
  out.noScript = await ns.evaluate(() => ({
    totals: [...document.querySelectorAll("#totals .count")].map((e) => e.checkVisibility()).every(Boolean),
    services: document.querySelectorAll("table.services tbody tr").length,
    resources: [...document.querySelectorAll("noscript details.res summary code")].map((c) => c.textContent),
    rows: document.querySelectorAll("noscript tr.duty-row").length,
    img: document.querySelectorAll("img").length,
    onerror: document.querySelectorAll("[onerror]").length,
  }));
} finally {
  await plain.done();
}
process.stdout.write(JSON.stringify(out) + "\n");
