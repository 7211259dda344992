/** Writes an audit's report folder: index.html, cells.csv, comparisons.csv, agreement.csv, analysis.json. */
import path from 'node:path';
import { analyseAudit, type AnalysisOptions, type AuditAnalysis } from '../audit/analysis.ts';
import { listLabelSources, readLabelSet } from '../audit/labels.ts';
import { readAudit, readImages } from '../audit/store.ts';
import { loadWarningWords } from '../audit/warnings.ts';
import { writeFileAtomic } from '../store/files.ts';
import { renderAuditReport } from './audit-html.ts';
import { agreementCsv, cellsCsv, comparisonsCsv } from './csv.ts';
import { thumbnailsFor } from './thumbnails.ts';

export interface AuditReportOptions extends Omit<AnalysisOptions, 'warningWords'> {
  /** A warning-word list file; default resources/eval/warning-words.txt. */
  warningWordsFile?: string;
  /** Output folder; default <audit>/report. */
  outDir?: string;
  thumbnailSize?: number;
}

export interface AuditReportFiles {
  html: string;
  cellsCsv: string;
  comparisonsCsv: string;
  agreementCsv: string;
  json: string;
  analysis: AuditAnalysis;
}

export async function loadAuditAnalysis(dir: string, options: AuditReportOptions = {}) {
  const def = await readAudit(dir);
  const { byKey } = await readImages(dir);
  const sets = await Promise.all(
    (await listLabelSources(dir)).map((s) => readLabelSet(dir, s.name, s.kind)),
  );
  const warningWords = await loadWarningWords(options.warningWordsFile);
  const analysis = analyseAudit(def, byKey, sets, { ...options, warningWords });
  return { def, images: byKey, sets, analysis };
}

export async function writeAuditReport(
  dir: string,
  options: AuditReportOptions = {},
): Promise<AuditReportFiles> {
  const { images, sets, analysis } = await loadAuditAnalysis(dir, options);
  const thumbnails = await thumbnailsFor(
    dir,
    new Map([...images].map(([k, r]) => [k, r.file])),
    options.thumbnailSize,
  );
  const source = sets.find((s) => s.name === analysis.source?.name);
  const captions = new Map<string, string>();
  if (source)
    for (const [key, labels] of source.labels) captions.set(key, [...labels.values()].join(' · '));
  const out = options.outDir ?? path.join(dir, 'report');
  const files = {
    html: path.join(out, 'index.html'),
    cellsCsv: path.join(out, 'cells.csv'),
    comparisonsCsv: path.join(out, 'comparisons.csv'),
    agreementCsv: path.join(out, 'agreement.csv'),
    json: path.join(out, 'analysis.json'),
  };
  await writeFileAtomic(files.html, renderAuditReport({ analysis, thumbnails, captions }));
  await writeFileAtomic(files.cellsCsv, cellsCsv(analysis));
  await writeFileAtomic(files.comparisonsCsv, comparisonsCsv(analysis));
  await writeFileAtomic(files.agreementCsv, agreementCsv(analysis));
  await writeFileAtomic(files.json, JSON.stringify(analysis, null, 2) + '\n');
  return { ...files, analysis };
}
