/** Argument pieces shared by the named operations. */

/** Only the first video stream of the first input: audio, subtitles (and with `data`, data streams) left out. */
export const firstVideoOnly = (opts: { data?: boolean } = {}): string[] => ['-map', '0:v:0', '-an', '-sn', ...(opts.data ? ['-dn'] : [])];
