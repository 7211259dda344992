/** The create view: settings on the left, canvas and results on the right. */
import { useStudio } from '../store/context.tsx';
import { ControlNetPanel, HiresPanel, InitImagePanel, RefinerPanel } from './ImagePanels.tsx';
import { ModelPicker, SchedulerPicker, StepsAndCfg } from './ModelControls.tsx';
import { PromptField } from './PromptField.tsx';
import { PromptSafetyNote } from './safety/SafetyPanels.tsx';
import { SeedControl } from './SeedControl.tsx';
import { SizeControl } from './SizeControl.tsx';
import { Canvas, ResultInfo, ResultsStrip } from './Stage.tsx';

function GenerateButton() {
  const busy = useStudio((s) => s.job !== null);
  const ready = useStudio((s) => s.ready);
  const generate = useStudio((s) => s.generate);
  return (
    <div className="generate">
      <button
        type="button"
        className="button button--primary"
        disabled={busy || !ready}
        onClick={() => void generate()}
      >
        {busy ? 'Generating…' : 'Generate'}
        <kbd>Ctrl</kbd>
        <kbd>Enter</kbd>
      </button>
    </div>
  );
}

export function CreateView() {
  return (
    <div className="create">
      <form
        className="controls"
        aria-label="Generation settings"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="controls__scroll">
          <PromptField
            field="prompt"
            label="Prompt"
            placeholder="A lighthouse on a cliff at dusk, (volumetric light:1.2)"
            rows={4}
            autoFocus
          />
          <PromptSafetyNote />
          <PromptField
            field="negativePrompt"
            label="Negative prompt"
            placeholder="blurry, low contrast"
            rows={2}
          />
          <ModelPicker />
          <SchedulerPicker />
          <StepsAndCfg />
          <SizeControl />
          <SeedControl />
          <InitImagePanel />
          <ControlNetPanel />
          <RefinerPanel />
          <HiresPanel />
        </div>
        <GenerateButton />
      </form>
      <div className="stage">
        <Canvas />
        <ResultInfo />
        <ResultsStrip />
      </div>
    </div>
  );
}
