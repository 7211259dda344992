/**
 * What the evaluation views ask of the main process. The studio wires an `EvalApi` to IPC or the
 * local server (renderer/eval/transport-api.ts); tests pass a fake. The shapes are the contract's
 * (common/ipc.ts), plain JSON, so they cross any boundary.
 *
 * Blindness: an A/B pair carries no variant names, only the two image files; the main side keeps
 * which variant is on which side.
 */
import type {
  AbBenchmarkRequestDto,
  AbChoiceDto,
  AbStateDto,
  AuditDefinitionDto,
  AuditPlanDto,
  BenchmarkOptionsDto,
  EvalJobEventDto,
  LabelDto,
  LabellingQueueDto,
  RankingDto,
  XyzRequestDto,
  XyzResultDto,
} from '../../common/ipc.ts';

export {
  AXIS_KIND_OPTIONS,
  type AbBenchmarkRequestDto,
  type AbChoiceDto,
  type AbPairDto,
  type AbStateDto,
  type AttributeDto,
  type AuditDefinitionDto,
  type AuditPlanDto,
  type AuditVariantDto,
  type AxisDto,
  type AxisKindDto,
  type BenchmarkOptionsDto,
  type EvalJobEventDto,
  type LabelDto,
  type LabelItemDto,
  type LabellingQueueDto,
  type RankingDto,
  type RatingDto,
  type ScoreAgreementDto,
  type WinRateDto,
  type XyzRequestDto,
  type XyzResultDto,
} from '../../common/ipc.ts';

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

  /** PartiPrompts' categories and challenge tags, for the benchmark form. */
  benchmarkOptions(): Promise<BenchmarkOptionsDto>;
  /** Queues the benchmark; when its job is done, `request.dir` is an A/B session. */
  startBenchmark(request: AbBenchmarkRequestDto): Promise<{ jobId: string }>;
  abState(sessionDir: string): Promise<AbStateDto>;
  vote(sessionDir: string, pairId: string, choice: AbChoiceDto): Promise<AbStateDto>;
  abRanking(sessionDir: string): Promise<RankingDto>;
}
