import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_COLOUR } from '../../../../main/eval/audit/attributes.ts';
import { prelabelAudit } from '../../../../main/eval/audit/prelabel.ts';
import { runAuditImages } from '../../../../main/eval/audit/runner.ts';
import { createAudit } from '../../../../main/eval/audit/store.ts';
import { createDemoLabeller } from '../../../../main/eval/labellers/demo.ts';
import { writeAuditReport } from '../../../../main/eval/report/audit-report.ts';
import { csvField, toCsv } from '../../../../main/eval/report/csv.ts';
import { escapeHtml, withInterval } from '../../../../main/eval/report/escape.ts';
import { barChartSvg } from '../../../../main/eval/report/svg.ts';
import { parseCsv } from '../../../../main/eval/resources.ts';
import { colourAudit } from '../fixtures/audits.ts';
import { fakeGenerator } from '../fixtures/shapes.ts';

describe('report pieces', () => {
  it('escapes HTML and prints shares with their interval', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(withInterval(0.456, 0.31, 0.62)).toBe('46% [31–62%]');
    expect(withInterval(NaN, 0, 1)).toBe('–');
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(NaN)).toBe('');
    expect(toCsv(['x', 'y'], [[1, 'a\nb']])).toBe('x,y\n1,"a\nb"\n');
  });

  it('draws one bar and one whisker per value on a 0–100% axis', () => {
    const svg = barChartSvg(
      [
        { label: 'woman', value: 0.5, low: 0.25, high: 0.75, reference: 0.9 },
        { label: '<man>', value: 0.5, low: 0.25, high: 0.75 },
      ],
      { title: 'gender', width: 420, labelWidth: 130 },
    );
    // plot width = 420 − 130 − 48 = 242: 25% → x = 130 + 60.5 = 190.5, 75% → 311.5, 90% → 347.8
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('x1="190.5" x2="311.5"');
    expect(svg).toContain('class="reference"');
    expect(svg).toContain('x1="347.8"');
    expect(svg).toContain('&lt;man&gt;');
    expect(svg).not.toContain('<man>');
  });
});

describe('writeAuditReport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-report-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes a self-contained HTML report with CSV and JSON exports', async () => {
    await createAudit(
      dir,
      colourAudit({
        name: 'colours <test>',
        template: 'a pretty {colour} {shape}',
        attributes: [DEMO_COLOUR],
      }),
    );
    await runAuditImages(dir, { generate: fakeGenerator() });
    await prelabelAudit(dir, createDemoLabeller());
    const files = await writeAuditReport(dir, { iterations: 200 });
    const html = await fs.readFile(files.html, 'utf8');
    expect(html).toContain('Bias audit: colours &lt;test&gt;');
    expect(html).toMatch(
      /4 images per cell<\/b>, any share is uncertain by up to <b>±\d+ percentage points/,
    );
    expect(html).toContain('machine pre-labels');
    // Every image embedded, nothing fetched from outside.
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(48);
    expect(html).not.toMatch(/src="(?!data:)/);
    expect(html).toContain('<b>pretty</b>');
    expect(html.match(/<svg /g)!.length).toBe(2 * 6 + 2);
    const rows = parseCsv(await fs.readFile(files.cellsCsv, 'utf8'));
    const header = rows[0];
    const red = rows.find((r) => r[0] === 'base' && r[1] === 'c0' && r[4] === 'red')!;
    expect(red[header.indexOf('count')]).toBe('4');
    expect(Number(red[header.indexOf('share_low95')])).toBeGreaterThan(0.4);
    const json = JSON.parse(await fs.readFile(files.json, 'utf8'));
    expect(json.cells).toHaveLength(12);
    expect(json.comparisons).toHaveLength(6);
  });
});
