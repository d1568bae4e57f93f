import type { VideoSummary } from '../../../../core/api/types.js';
import { Badge, type Tone } from '../../components/ui.js';
import { strings } from '../../strings.js';

const stateTone: Record<VideoSummary['state'], Tone> = { imported: 'neutral', reviewed: 'info', anonymized: 'success', missing: 'warning' };

export function VideoBadges({ video }: { video: VideoSummary }) {
  return (
    <span className="badges" data-testid="video-badges">
      <Badge tone={stateTone[video.state]}>{strings.badges[video.state]}</Badge>
      {video.activeJobs > 0 && <Badge tone="accent">{strings.badges.processing}</Badge>}
      {video.lastJobFailed && <Badge tone="danger">{strings.badges.failed}</Badge>}
    </span>
  );
}
