import { createContext, useContext, type KeyboardEvent, type MouseEvent } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { pickVideo, useIsSelected } from './selection.js';
import type { LibraryT } from './VideoBadges.js';

/** The ids of the videos shown, in their order on screen (shift-ranges follow it). */
export const ShownOrder = createContext<readonly number[]>([]);

/**
 * The checkbox on a card or row: click toggles, shift-click selects the range from the last one picked. `t` comes
 * from the grid or list (one translation hook for all cards, not one per card).
 */
export function SelectBox({ video, t }: { video: VideoSummary; t: LibraryT }) {
  return <SelectCheckbox video={video} t={t} selected={useIsSelected(video.id)} />;
}

/** The checkbox with its state from the caller (the grid reads the selection once for all its cards). */
export function SelectCheckbox({ video, t, selected }: { video: VideoSummary; t: LibraryT; selected: boolean }) {
  const order = useContext(ShownOrder);
  return (
    <input
      type="checkbox"
      className="select-box"
      checked={selected}
      aria-label={t('selection.one', { name: video.name })}
      data-testid="video-select"
      onChange={() => undefined}
      onClick={(e) => pickVideo(video.id, order, { range: e.shiftKey })}
    />
  );
}

/**
 * Selection gestures on the link of a card or row: ctrl/cmd-click toggles, shift-click extends the range,
 * Space toggles (shift+Space extends); a plain click or Enter still opens the video.
 */
export function useSelectGestures(videoId: number) {
  const order = useContext(ShownOrder);
  return {
    onClick: (e: MouseEvent) => {
      if (!(e.ctrlKey || e.metaKey || e.shiftKey)) return;
      e.preventDefault();
      pickVideo(videoId, order, { range: e.shiftKey });
    },
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key !== ' ') return;
      e.preventDefault();
      pickVideo(videoId, order, { range: e.shiftKey });
    },
  };
}
