/** The evaluation views, for the studio to mount inside an <EvalProvider>. */
import './eval.css';

export * from './api.ts';
export { createEvalStore, type EvalStore, type EvalState } from './store.ts';
export { EvalProvider, useEval, useEvalApi } from './context.tsx';
export { AuditSetupView } from './AuditSetupView.tsx';
export { LabellingView } from './LabellingView.tsx';
export { XyzView } from './XyzView.tsx';
export { AbJudgingView } from './AbJudgingView.tsx';
export { AbSetupView, type VariantChoices } from './AbSetupView.tsx';
export { RankingView } from './RankingView.tsx';
export { createTransportEvalApi } from './transport-api.ts';
