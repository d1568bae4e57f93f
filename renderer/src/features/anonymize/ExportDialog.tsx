import { useCallback, useEffect, useMemo, useState } from 'react';
import type { VideoDetail } from '../../../../core/api/types.js';
import type { CommandOutput } from '../../../../core/api/commands.js';
import type { AnonymizeJobOutput } from '../../../../core/anonymize/job.js';
import { Modal } from '../../components/Modal.js';
import { Badge, Button, ProgressBar } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { useApp } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import type { VideoPanelProps } from '../video/panels.js';
import { SideBySide } from './SideBySide.js';
import { strings } from '../../strings.js';
import { AnonymizedSubtitlesNote } from '../subtitles/SubtitleShortcuts.js';

type PlanResult = CommandOutput<'anonymize.plan'>;
interface Options {
  outside: 'cut' | 'black';
  keepAudio: boolean;
  crop: boolean;
  maskStyle: 'fill' | 'blur';
  allowUnreviewed: boolean;
  preset: 'fast' | 'balanced' | 'quality';
}

const S = strings.anonymize;

/** The plan over a frame: the masked area dark, text boxes outlined, the region outlined. */
function PlanPreview({ video, plan }: { video: VideoDetail; plan: PlanResult['plan'] }) {
  const w = plan.input.width;
  const h = plan.input.height;
  const r = plan.masks.region;
  const thumb = video.thumbnailArtifactId !== null ? client().mediaUrl({ kind: 'artifact', id: video.thumbnailArtifactId }) : null;
  const octagon = (x: number, y: number, ww: number, hh: number, c: number) =>
    `${x + c},${y} ${x + ww - c},${y} ${x + ww},${y + c} ${x + ww},${y + hh - c} ${x + ww - c},${y + hh} ${x + c},${y + hh} ${x},${y + hh - c} ${x},${y + c}`;
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="anon-preview" role="img" aria-label="Masks over a frame" data-testid="anon-preview">
      {thumb && <image href={thumb} x={0} y={0} width={w} height={h} preserveAspectRatio="none" />}
      <defs>
        <mask id="anon-keep">
          <rect x={0} y={0} width={w} height={h} fill="white" />
          {r && r.shape === 'rect' && <rect x={r.rect.x} y={r.rect.y} width={r.rect.width} height={r.rect.height} fill="black" />}
          {r && r.shape === 'round' && (
            <ellipse
              cx={r.rect.x + r.rect.width / 2}
              cy={r.rect.y + r.rect.height / 2}
              rx={r.rect.width / 2}
              ry={r.rect.height / 2}
              fill="black"
            />
          )}
          {r && r.shape === 'octagon' && (
            <polygon
              points={octagon(
                r.rect.x,
                r.rect.y,
                r.rect.width,
                r.rect.height,
                (r.cornerCut ?? 0.2) * Math.min(r.rect.width, r.rect.height),
              )}
              fill="black"
            />
          )}
        </mask>
      </defs>
      {r && <rect x={0} y={0} width={w} height={h} fill="black" fillOpacity={0.85} mask="url(#anon-keep)" />}
      {plan.masks.boxes.map((b, i) => (
        <rect
          key={i}
          x={b.x}
          y={b.y}
          width={b.width}
          height={b.height}
          fill="black"
          fillOpacity={0.85}
          stroke="#f5a524"
          strokeWidth={Math.max(1, w / 400)}
        />
      ))}
      {plan.crop && (
        <rect
          x={plan.crop.x}
          y={plan.crop.y}
          width={plan.crop.width}
          height={plan.crop.height}
          fill="none"
          stroke="#3b82f6"
          strokeDasharray="8 6"
          strokeWidth={Math.max(1, w / 300)}
        />
      )}
    </svg>
  );
}

/** The removed (red) and blacked (grey) segments on the video's timeline. */
function SegmentsBar({ plan }: { plan: PlanResult['plan'] }) {
  const n = plan.input.frameCount;
  return (
    <div className="anon-timeline" data-testid="anon-timeline" aria-label="Removed segments on the timeline">
      {plan.removed.map((s, i) => (
        <span
          key={`r${i}`}
          className="anon-seg anon-seg-removed"
          style={{ left: `${(100 * s.start) / n}%`, width: `${(100 * (s.end - s.start)) / n}%` }}
          title={`${s.label} ${s.start}–${s.end - 1}`}
        />
      ))}
      {plan.blacked.map((s, i) => (
        <span
          key={`b${i}`}
          className="anon-seg anon-seg-blacked"
          style={{ left: `${(100 * s.start) / n}%`, width: `${(100 * (s.end - s.start)) / n}%` }}
          title={`${s.label} ${s.start}–${s.end - 1}`}
        />
      ))}
    </div>
  );
}

export function ExportDialog({ video, onClose }: { video: VideoDetail; onClose: () => void }) {
  const [opts, setOpts] = useState<Options>({
    outside: 'cut',
    keepAudio: false,
    crop: false,
    maskStyle: 'fill',
    allowUnreviewed: false,
    preset: 'fast',
  });
  const [dir, setDir] = useState('');
  const [plan, setPlan] = useState<PlanResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useApp((s) => (jobId === null ? undefined : s.jobs.get(jobId)));

  useEffect(() => {
    let live = true;
    client()
      .call('anonymize.plan', { video: video.id, options: opts })
      .then((p) => live && (setPlan(p), setError(null)))
      .catch((err) => live && (setPlan(null), setError(errorMessage(err))));
    return () => {
      live = false;
    };
  }, [video.id, opts]);

  const start = useCallback(async () => {
    try {
      const r = await client().call('anonymize.start', { video: video.id, output: { dir }, options: opts });
      setJobId(r.job.id);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [video.id, dir, opts]);

  const removedSeconds = useMemo(() => (plan ? plan.plan.input.duration - plan.plan.expectedDuration : 0), [plan]);
  const result = job?.state === 'succeeded' ? (job.output as AnonymizeJobOutput) : null;
  const failedVerification =
    job?.state === 'failed'
      ? (job.error?.details as { verification?: AnonymizeJobOutput['verification'] } | undefined)?.verification
      : undefined;
  const set = <K extends keyof Options>(k: K, v: Options[K]) => setOpts((o) => ({ ...o, [k]: v }));
  const running = job?.state === 'queued' || job?.state === 'running';

  return (
    <Modal title={S.title} onClose={onClose} closeLabel={S.close} testId="export-dialog">
      {error && (
        <p className="error" role="alert" data-testid="anon-error">
          {error}
        </p>
      )}
      {plan && (
        <section aria-label={S.planTitle} className="anon-plan">
          <PlanPreview video={video} plan={plan.plan} />
          <SegmentsBar plan={plan.plan} />
          <ul className="anon-facts" data-testid="anon-facts">
            <li>{S.masks(plan.plan.masks.boxes.length, !!plan.plan.masks.region)}</li>
            <li>{S.removed(plan.plan.removed.length, removedSeconds)}</li>
            {plan.plan.blacked.length > 0 && <li>{S.blacked(plan.plan.blacked.length)}</li>}
            <li>{plan.plan.audio.reason}</li>
            <li>{S.duration(plan.plan.expectedDuration)}</li>
          </ul>
          {plan.plan.warnings.map((w, i) => (
            <p key={i} className="warning" data-testid="anon-warning">
              <Badge tone="warning">!</Badge> {w}
            </p>
          ))}
          {!plan.gate.ok && (
            <div className="anon-gate" role="alert" data-testid="anon-gate">
              <strong>{S.gateTitle}</strong>
              <ul>
                {plan.gate.missing.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            </div>
          )}
        </section>
      )}
      <fieldset className="anon-options" disabled={running}>
        <label>
          {S.outside}{' '}
          <select value={opts.outside} onChange={(e) => set('outside', e.target.value as Options['outside'])}>
            <option value="cut">{S.cut}</option>
            <option value="black">{S.black}</option>
          </select>
        </label>
        <label>
          <input type="checkbox" checked={opts.keepAudio} onChange={(e) => set('keepAudio', e.target.checked)} /> {S.keepAudio}
        </label>
        <AnonymizedSubtitlesNote />
        <label>
          <input type="checkbox" checked={opts.crop} onChange={(e) => set('crop', e.target.checked)} /> {S.crop}
        </label>
        <label>
          <input
            type="checkbox"
            checked={opts.maskStyle === 'blur'}
            onChange={(e) => set('maskStyle', e.target.checked ? 'blur' : 'fill')}
          />{' '}
          {S.blur}
        </label>
        <label>
          <input type="checkbox" checked={opts.allowUnreviewed} onChange={(e) => set('allowUnreviewed', e.target.checked)} />{' '}
          {S.allowUnreviewed}
        </label>
        <label>
          {S.preset}{' '}
          <select value={opts.preset} onChange={(e) => set('preset', e.target.value as Options['preset'])}>
            <option value="fast">fast</option>
            <option value="balanced">balanced</option>
            <option value="quality">quality</option>
          </select>
        </label>
        <label>
          {S.folder}{' '}
          <input type="text" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/folder" data-testid="anon-dir" />
        </label>
        <p className="muted">{S.folderHint}</p>
      </fieldset>
      {job && running && (
        <div data-testid="anon-progress">
          <ProgressBar value={job.progress} label={job.stage === 'verifying' ? S.verifying : S.rendering} />
          <span className="muted">
            {job.stage ?? ''} {job.etaSeconds !== null ? `ETA ${Math.ceil(job.etaSeconds)} s` : ''}
          </span>
        </div>
      )}
      {result && (
        <section className="anon-result" data-testid="anon-result">
          <Badge tone="success">{S.verified}</Badge> {S.frames(result.verification.sampledFrames, result.verification.seconds)}
          <dl>
            <dt>{S.output}</dt>
            <dd data-testid="anon-output">{result.outputPath}</dd>
            <dt>{S.sha}</dt>
            <dd>
              <code>{result.sha256}</code>
            </dd>
          </dl>
          <SideBySide videoId={video.id} exportId={result.exportId} plan={result.plan} />
        </section>
      )}
      {job?.state === 'failed' && (
        <section className="anon-result" data-testid="anon-failed">
          <Badge tone="danger">{failedVerification ? S.rejected : S.failed}</Badge> {job.error?.message}
          {failedVerification && (
            <>
              <h3>{S.findings}</h3>
              <ul>
                {failedVerification.findings.slice(0, 20).map((f, i) => (
                  <li key={i}>{f.message}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      <footer className="modal-foot">
        <Button
          variant="primary"
          onClick={() => void start()}
          disabled={!plan || !plan.gate.ok || !dir || running}
          data-testid="anon-start"
        >
          {S.start}
        </Button>
      </footer>
    </Modal>
  );
}

/** The header action that opens the dialog (registered in video/panels.tsx, slot 'actions'). */
export function ExportAction({ video }: VideoPanelProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)} data-testid="action-export">
        {S.open}
      </Button>
      {open && <ExportDialog video={video} onClose={() => setOpen(false)} />}
    </>
  );
}
