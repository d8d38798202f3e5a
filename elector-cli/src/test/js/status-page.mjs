// Usage: node status-page.mjs URL SCREENSHOT.png
// Opens the status page in headless Chromium, waits until it shows a leader and a LEADER row,
// waits for it to update itself once more, takes a screenshot and prints what it saw as JSON.
import { chromium } from 'playwright-core';

const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  await page.goto(url, { timeout: 15000 });
  await page.waitForFunction(() => document.querySelector('#leader b') !== null, null, { timeout: 15000 });
  await page.waitForSelector('#nodes tbody tr.lead', { timeout: 15000 });
  const first = await page.textContent('#updated');
  // The page refreshes itself every second: the "updated" text must change without a reload.
  await page.waitForFunction((t) => document.querySelector('#updated').textContent !== t, first, { timeout: 10000 });
  await page.screenshot({ path: out, fullPage: true });
  const seen = await page.evaluate(() => ({
    leader: document.querySelector('#leader b').textContent,
    leaderLine: document.querySelector('#leader').textContent,
    nodes: [...document.querySelectorAll('#nodes tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
    timeline: [...document.querySelectorAll('#timeline tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
    bars: document.querySelectorAll('#bar .seg').length,
  }));
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
