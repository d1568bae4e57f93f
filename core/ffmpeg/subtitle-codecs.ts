/** Subtitle codecs that carry text (cues can be read, cut, shifted and converted); every other subtitle codec is a bitmap. */
const TEXT_SUBTITLE_CODECS = new Set(['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']);

export const isTextSubtitleCodec = (codec: string | null | undefined): boolean => TEXT_SUBTITLE_CODECS.has(codec ?? '');
