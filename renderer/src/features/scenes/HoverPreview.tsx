import { useEffect, useState } from 'react';
import type { Clip } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';

interface Sprite {
  url: string;
  start: number;
  interval: number;
  count: number;
  columns: number;
  tileWidth: number;
  tileHeight: number;
}

/** Sprite sheets by clip id (a clip's id changes with every edit, so a stale sheet is never shown). */
const sprites = new Map<number, Promise<Sprite | null>>();

function spriteOf(videoId: number, clip: Clip): Promise<Sprite | null> {
  let p = sprites.get(clip.id);
  if (!p) {
    p = client()
      .call('clips.sprite', { video: videoId, id: clip.id })
      .then((s) => ({ ...s, url: client().mediaUrl({ kind: 'artifact', id: s.artifactId }) }))
      .catch(() => null);
    sprites.set(clip.id, p);
  }
  return p;
}

/** The thumbnail under the pointer on the Scenes lane, cut from the clip's sprite sheet. */
export function HoverPreview({ videoId, clip, seconds, leftPct }: { videoId: number; clip: Clip; seconds: number; leftPct: number }) {
  const [sprite, setSprite] = useState<Sprite | null>(null);
  useEffect(() => {
    let live = true;
    void spriteOf(videoId, clip).then((s) => live && setSprite(s));
    return () => {
      live = false;
    };
  }, [videoId, clip]);
  if (!sprite) return null;
  const i = Math.max(0, Math.min(sprite.count - 1, Math.floor((seconds - sprite.start) / sprite.interval)));
  const x = (i % sprite.columns) * sprite.tileWidth;
  const y = Math.floor(i / sprite.columns) * sprite.tileHeight;
  return (
    <div
      className="scene-hover"
      data-testid="scene-hover"
      style={{
        left: `${leftPct}%`,
        width: sprite.tileWidth,
        height: sprite.tileHeight,
        backgroundImage: `url("${sprite.url}")`,
        backgroundPosition: `-${x}px -${y}px`,
      }}
    />
  );
}
