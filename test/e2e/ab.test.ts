/**
 * Blind A/B judging end to end in real Chromium, through server mode, against the real engine and
 * the demo model: a tiny session set up in the Evaluate view (2 PartiPrompts, 2 seeds, 2 variants,
 * 64 px, 2 steps), votes by keyboard, a page reload, the votes still there and the ranking shown.
 * Screenshot: test-artifacts/ab.png.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  e2e.page.on('pageerror', (err) => {
    throw err;
  });
  await e2e.page.goto(e2e.server.url);
  await e2e.page.getByText('Your images appear here').waitFor();
});
afterAll(async () => {
  await e2e?.close();
});

const page = () => e2e.page;
const nav = (name: string) => page().getByRole('button', { name, exact: true }).click();
const status = () => page().getByRole('region', { name: 'A/B judging' }).getByRole('status');

async function imagesShown() {
  for (const side of ['left image', 'right image']) {
    const img = page().getByAltText(side);
    await expect
      .poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0))
      .toBe(true);
  }
}

describe('blind A/B judging (server mode)', () => {
  it('renders a tiny session, takes keyboard votes, and keeps them across a reload', async () => {
    // The model list arrives after the page and applies the model's defaults (steps included),
    // so wait for it before changing settings; otherwise it can overwrite them.
    await expect
      .poll(() => page().getByLabel('Model', { exact: true }).inputValue())
      .toMatch(/emulsion-shapes$/);
    // The variants start from the Create view's settings: 2 steps there.
    await page().getByLabel('Steps value').fill('2');
    await expect.poll(() => page().getByLabel('Steps value').inputValue()).toBe('2');
    await nav('Evaluate');
    await page().getByRole('tab', { name: 'A/B judging' }).click();

    const form = page().getByRole('region', { name: 'New A/B session' });
    await form.getByLabel('Session name').fill('e2e-ab');
    await form.getByLabel('Category').selectOption('Animals');
    await form.getByLabel('Prompts').fill('2');
    await form.getByLabel('Seeds').fill('1, 2');
    const a = form.getByRole('group', { name: 'Variant A' });
    const b = form.getByRole('group', { name: 'Variant B' });
    await a.getByLabel('Scheduler').selectOption('Euler');
    await b.getByLabel('Scheduler').selectOption('DDIM');
    expect(await a.getByLabel('Steps').inputValue()).toBe('2');
    await form.getByLabel('Width').fill('64');
    await form.getByLabel('Height').fill('64');
    await form.getByRole('button', { name: 'Render and start judging' }).click();
    await expect
      .poll(() => form.getByLabel('Benchmark progress').textContent(), { timeout: 120_000 })
      .toContain('8/8 images · done');

    // The new session opens by itself: 2 prompts × 2 seeds, one pair of variants each.
    await expect.poll(() => status().textContent()).toBe('0 of 4 pairs judged');
    await imagesShown();
    await page()
      .locator('body')
      .click({ position: { x: 5, y: 5 } });
    await page().keyboard.press('ArrowLeft');
    await expect.poll(() => status().textContent()).toBe('1 of 4 pairs judged');
    await page().keyboard.press('ArrowRight');
    await expect.poll(() => status().textContent()).toBe('2 of 4 pairs judged');
    await page().keyboard.press('t');
    await expect.poll(() => status().textContent()).toBe('3 of 4 pairs judged');
    await imagesShown();
    await page().getByRole('region', { name: 'A/B judging' }).scrollIntoViewIfNeeded();
    await page().screenshot({ path: path.join(ARTIFACTS, 'ab.png') });

    const dir = (await e2e.server.studio.handlers.evalWorkspace()).ab[0].dir;
    expect(path.basename(dir)).toBe('e2e-ab');
    const votes = (await fs.readFile(path.join(dir, 'votes.jsonl'), 'utf8')).trim().split('\n');
    expect(votes.map((l) => JSON.parse(l).choice)).toEqual(['left', 'right', 'tie']);

    // A reload starts the page from nothing: the votes come back from the session folder.
    await page().reload();
    await page().getByText('Your images appear here').waitFor();
    await nav('Evaluate');
    await page().getByRole('tab', { name: 'A/B judging' }).click();
    await page().getByLabel('A/B session', { exact: true }).selectOption(dir);
    await expect.poll(() => status().textContent()).toBe('3 of 4 pairs judged');

    await page().getByRole('tab', { name: 'Ranking' }).click();
    await page().getByLabel('A/B session', { exact: true }).selectOption(dir);
    const ranking = page().getByRole('region', { name: 'Ranking' });
    await expect
      .poll(() => ranking.locator('.hint').first().textContent())
      .toContain('3 votes (1 ties');
    const rows = await ranking
      .getByRole('table', { name: 'Ratings' })
      .locator('tbody tr')
      .allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows.join(' ')).toMatch(/Euler/);
    expect(rows.join(' ')).toMatch(/DDIM/);
    await page().screenshot({ path: path.join(ARTIFACTS, 'ab-ranking.png') });
  });
});
