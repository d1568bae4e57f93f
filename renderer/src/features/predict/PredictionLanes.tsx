import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { PredictionRun, PredictionScores, Segment } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';
import { errorMessage } from '../../transport/types.js';
import { formatEta, formatPercent, formatTimecode } from '../../lib/format.js';
import { ProgressBar } from '../../components/ui.js';
import { useApp } from '../../state/store.js';
import { strings } from '../../strings.js';
import { playerControls, usePlayer } from '../video/player.js';
import type { VideoPanelProps } from '../video/panels.js';

const W = 1000; // SVG user units across the video's duration
const H = 36;

interface LaneData {
  run: PredictionRun;
  scores: PredictionScores | null;
  segments: Segment[];
}

function usePredictionData(videoId: number, model: string | null) {
  const [runs, setRuns] = useState<PredictionRun[] | null>(null);
  const [data, setData] = useState<LaneData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  // Segments change when a prediction finishes (or a reviewer edits): refetch on the core's event.
  useEffect(
    () =>
      client().subscribe((e) => {
        if (e.type === 'data.changed' && e.videoId === videoId && e.topic === 'segments') setVersion((v) => v + 1);
      }),
    [videoId],
  );
  useEffect(() => {
    let live = true;
    (async () => {
      const list = await client().call('predict.runs', { video: videoId });
      if (!live) return;
      setRuns(list);
      const run = list.find((r) => r.model === model) ?? list[0];
      if (!run) return setData(null);
      const [scores, segments] = await Promise.all([
        client().call('predict.scores', { video: videoId, model: run.model, maxPoints: 1200 }),
        client().call('segments.list', { video: videoId, model: run.model }),
      ]);
      if (live) setData({ run, scores, segments });
    })().catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [videoId, model, version]);
  return { runs, data, error };
}

/** Below the player: one lane per label of a model's prediction — score curve, threshold, segments. */
export function PredictionLanes({ video }: VideoPanelProps) {
  const P = strings.predict;
  const [model, setModel] = useState<string | null>(null);
  const { runs, data, error } = usePredictionData(video.id, model);
  const running = useApp((s) =>
    [...s.jobs.values()].find((j) => j.kind === 'predict' && j.videoId === video.id && (j.state === 'running' || j.state === 'queued')),
  );
  const progress = running && (
    <div className="predict-progress" data-testid="predict-progress">
      <ProgressBar value={running.progress} label={P.running} indeterminate={running.state === 'queued'} />
      <span className="hint">{P.runningText(formatPercent(running.progress), formatEta(running.etaSeconds))}</span>
    </div>
  );
  if (error) return <p className="predict-error">{P.loadFailed(error)}</p>;
  if (!runs) return <p className="muted">{P.loading}</p>;
  if (!runs.length || !data)
    return (
      <>
        {progress}
        {!running && <p className="muted">{P.none}</p>}
      </>
    );
  const duration = video.duration > 0 ? video.duration : Math.max(...(data.scores?.times ?? [1]));
  return (
    <div className="prediction-lanes" data-testid="prediction-lanes">
      {progress}
      {runs.length > 1 && (
        <div className="segmented" role="tablist" aria-label={P.modelTabs}>
          {runs.map((r) => (
            <button key={r.model} role="tab" aria-selected={r.model === data.run.model} className="tab" onClick={() => setModel(r.model)}>
              {r.model}
            </button>
          ))}
        </div>
      )}
      <p className="hint">{P.runInfo(data.run.model, data.run.modelVersion, data.run.samples, data.run.sampleFps)}</p>
      {data.run.labels.map((label, i) => (
        <Lane
          key={label}
          label={label}
          duration={duration}
          times={data.scores?.times ?? []}
          curve={data.scores?.scores[i] ?? []}
          threshold={data.scores?.thresholds[label] ?? 0.5}
          segments={data.segments.filter((s) => s.label === label)}
        />
      ))}
    </div>
  );
}

function Lane(props: { label: string; duration: number; times: number[]; curve: number[]; threshold: number; segments: Segment[] }) {
  const { label, duration, times, curve, threshold, segments } = props;
  const P = strings.predict;
  const x = useCallback((t: number) => (Math.max(0, Math.min(duration, t)) / duration) * W, [duration]);
  const y = (v: number) => H - 2 - Math.max(0, Math.min(1, v)) * (H - 4);
  const points = useMemo(() => times.map((t, i) => `${x(t).toFixed(1)},${y(curve[i] ?? 0).toFixed(1)}`).join(' '), [times, curve, x]);
  const currentTime = usePlayer((s) => s.currentTime);
  const [hover, setHover] = useState<{ seg: Segment; left: number } | null>(null);
  const ref = useRef<SVGSVGElement>(null);

  const seek = (e: MouseEvent<SVGSVGElement>) => {
    const box = ref.current?.getBoundingClientRect();
    if (!box || box.width <= 0) return;
    playerControls.seekToTime(((e.clientX - box.left) / box.width) * duration);
  };

  return (
    <div className="lane" data-testid={`lane-${label}`}>
      <div className="lane-label" title={label}>
        {label}
      </div>
      <div className="lane-track">
        <svg
          ref={ref}
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          onClick={seek}
          role="img"
          aria-label={P.laneAria(label, segments.length)}
        >
          {segments.map((s) => (
            <rect
              key={s.id}
              className={`lane-segment lane-segment-${s.source}${s.validated ? ' lane-segment-validated' : ''}`}
              x={x(s.start)}
              width={Math.max(1, x(s.end) - x(s.start))}
              y={0}
              height={H}
              data-testid="lane-segment"
              onMouseEnter={(e) => {
                const box = ref.current?.getBoundingClientRect();
                setHover({ seg: s, left: box ? e.clientX - box.left : 0 });
              }}
              onMouseLeave={() => setHover(null)}
            />
          ))}
          <line className="lane-threshold" pointerEvents="none" x1={0} x2={W} y1={y(threshold)} y2={y(threshold)} />
          <polyline className="lane-curve" pointerEvents="none" points={points} fill="none" vectorEffect="non-scaling-stroke" />
          <line
            className="lane-playhead"
            pointerEvents="none"
            x1={x(currentTime)}
            x2={x(currentTime)}
            y1={0}
            y2={H}
            vectorEffect="non-scaling-stroke"
          />
        </svg>
        {hover && (
          <div className="lane-tooltip" role="tooltip" style={{ left: hover.left }} data-testid="lane-tooltip">
            {P.segmentTooltip({
              label,
              start: formatTimecode(hover.seg.start),
              end: formatTimecode(hover.seg.end),
              startFrame: hover.seg.startFrame,
              endFrame: hover.seg.endFrame,
              mean: hover.seg.meanScore,
              max: hover.seg.maxScore,
              source: hover.seg.source,
            })}
          </div>
        )}
      </div>
    </div>
  );
}
