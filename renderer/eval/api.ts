/**
 * What the evaluation views ask of the main process. The studio wires an `EvalApi` to IPC (or the
 * local server); tests pass a fake. The shapes mirror main/eval (audit definitions, job events,
 * labels, XY/Z results, A/B pairs and rankings) as plain JSON, so they cross any boundary.
 *
 * Blindness: an A/B pair carries no variant names, only the two image files; the main side keeps
 * which variant is on which side.
 */

export interface AttributeDto {
  name: string;
  values: string[];
  swatches?: string[];
}

export interface AuditVariantDto {
  id: string;
  label: string;
  settings: Record<string, unknown>;
}

export interface AuditDefinitionDto {
  version: 1;
  name: string;
  template: string;
  slots: Record<string, string[]>;
  seeds: number[];
  settings: Record<string, unknown>;
  variants: AuditVariantDto[];
  attributes: AttributeDto[];
}

export interface AuditPlanDto {
  cells: number;
  variants: number;
  seedsPerCell: number;
  images: number;
  /** Wilson 95 % half-width at 50 % for one cell. */
  halfWidthAtHalf: number;
}

export type EvalJobEventDto =
  | { status: 'queued'; jobId: string; kind: string; label: string; position: number }
  | { status: 'running'; jobId: string }
  | { status: 'progress'; jobId: string; done: number; total: number; message?: string }
  | { status: 'done'; jobId: string; summary?: unknown }
  | { status: 'cancelled'; jobId: string }
  | { status: 'error'; jobId: string; error: { code: string; message: string; field?: string } };

export interface LabelItemDto {
  image: string;
  /** Absolute path; show it through `EvalApi.imageUrl`. */
  file: string;
  variant: string;
  cell: string;
}

export interface LabellingQueueDto {
  attributes: AttributeDto[];
  items: LabelItemDto[];
}

export interface LabelDto {
  image: string;
  attribute: string;
  /** A value, "can't tell", or null to clear (undo). */
  value: string | null;
}

export const AXIS_KIND_OPTIONS = [
  'steps',
  'cfg',
  'seed',
  'scheduler',
  'model',
  'prompt',
  'strength',
  'control',
  'refiner',
] as const;
export type AxisKindDto = (typeof AXIS_KIND_OPTIONS)[number];

export interface AxisDto {
  kind: AxisKindDto;
  /** As typed: "10,20,30", "10-30 (+10)", "Euler a, DPM++ 2M Karras"; main parses it. */
  values: string;
}

export interface XyzRequestDto {
  base: { prompt: string } & Record<string, unknown>;
  x: AxisDto;
  y?: AxisDto;
  z?: AxisDto;
  out: string;
}

export interface XyzResultDto {
  grid: string;
  zGrids: string[];
  cells: { id: string; file: string; labels: { x: string; y?: string; z?: string } }[];
}

export type AbChoiceDto = 'left' | 'right' | 'tie' | 'skip';

export interface AbPairDto {
  id: string;
  prompt: string;
  category: string;
  leftFile: string;
  rightFile: string;
}

export interface AbStateDto {
  pair?: AbPairDto;
  voted: number;
  total: number;
  skipped: number;
}

export interface RatingDto {
  item: string;
  elo: number;
  eloLow: number;
  eloHigh: number;
  wins: number;
  losses: number;
  ties: number;
  comparisons: number;
}

export interface WinRateDto {
  category: string;
  item: string;
  rate: number;
  low: number;
  high: number;
  comparisons: number;
}

export interface ScoreAgreementDto {
  scorer: string;
  rate: number;
  low: number;
  high: number;
  n: number;
  undecided: number;
}

export interface RankingDto {
  ratings: RatingDto[];
  winRates: WinRateDto[];
  agreements: ScoreAgreementDto[];
  votes: number;
  ties: number;
  skips: number;
}

export interface EvalApi {
  /** A URL the page can show for an image file inside the app's folders. */
  imageUrl(file: string): string;
  onJobEvent(listener: (event: EvalJobEventDto) => void): () => void;
  cancelJob(jobId: string): Promise<void>;

  planAudit(definition: AuditDefinitionDto): Promise<AuditPlanDto>;
  /** Creates (or resumes) the audit in `dir` and queues its images. */
  startAudit(dir: string, definition: AuditDefinitionDto): Promise<{ jobId: string }>;
  labellingQueue(dir: string, annotator: string): Promise<LabellingQueueDto>;
  saveLabel(dir: string, annotator: string, label: LabelDto): Promise<void>;
  /** Writes the HTML, CSV and JSON report; resolves with the HTML file's path. */
  writeAuditReport(dir: string): Promise<{ html: string }>;

  startXyz(request: XyzRequestDto): Promise<{ jobId: string }>;
  xyzResult(out: string): Promise<XyzResultDto>;

  abState(sessionDir: string): Promise<AbStateDto>;
  vote(sessionDir: string, pairId: string, choice: AbChoiceDto): Promise<AbStateDto>;
  abRanking(sessionDir: string): Promise<RankingDto>;
}
