// Drives the arena's page in headless Chromium (/usr/bin/chromium through playwright-core; no browser download),
// run by ArenaPageTest:  node test/check-page.mjs PAGE_URL SCREENSHOT.png
// Waits for entities to be drawn, samples the NPC positions the page exposes (#state), holds the 'd' key, samples
// again, saves a screenshot and prints one JSON line. Exits 0 when entities were drawn and moved, 1 otherwise.
import { chromium } from 'playwright-core';

const [url, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
    '--disable-component-update', '--disable-sync'],
  timeout: 20_000,
});
let ok = false;
try {
  const page = await browser.newPage({ viewport: { width: 700, height: 720 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { timeout: 15_000 });
  await page.waitForFunction(() => Number(document.body.dataset.entities) > 0 && Number(document.body.dataset.views) > 10,
    null, { timeout: 15_000 });
  const read = () => page.evaluate(() => ({
    entities: Number(document.body.dataset.entities),
    views: Number(document.body.dataset.views),
    npcs: JSON.parse(document.getElementById('state').textContent || '[]'),
    overlay: document.getElementById('overlay').textContent,
  }));
  const before = await read();
  await page.keyboard.down('d');          // walk east for a second
  await page.waitForTimeout(1000);
  await page.keyboard.up('d');
  await page.waitForTimeout(500);
  const after = await read();
  await page.screenshot({ path: shot });
  const was = new Map(before.npcs.map(([id, x, y]) => [id, [x, y]]));
  let common = 0, moved = 0;
  for (const [id, x, y] of after.npcs) {
    const p = was.get(id);
    if (p) {
      common++;
      if (Math.hypot(p[0] - x, p[1] - y) > 0.05) moved++;
    }
  }
  const youBefore = /you +([-\d.]+), ([-\d.]+)/.exec(before.overlay);
  const youAfter = /you +([-\d.]+), ([-\d.]+)/.exec(after.overlay);
  const walked = youBefore && youAfter ? Number(youAfter[1]) - Number(youBefore[1]) : 0;
  ok = after.entities > 0 && common > 0 && moved > 0 && errors.length === 0;
  console.log(JSON.stringify({ ok, entitiesBefore: before.entities, entitiesAfter: after.entities, views: after.views,
    npcsInBoth: common, npcsMoved: moved, walkedEastMetres: walked, overlay: after.overlay, errors }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e) }));
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
