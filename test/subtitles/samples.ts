/** Subtitle files for the tests, written the way real tools write them (German text with umlauts and ß). */
import type { Cue } from '../../core/subtitles/types.js';

export const expectedCues: Cue[] = [
  { startMs: 1000, endMs: 2500, text: 'Grüße aus Köln', align: null, style: null },
  { startMs: 3000, endMs: 4250, text: '<i>Straße</i> und\n<b>Übermaß</b>', align: null, style: null },
  { startMs: 5001, endMs: 6999, text: 'Oben: größer', align: 8, style: null },
];

export const srt = `1
00:00:01,000 --> 00:00:02,500
Grüße aus Köln

2
00:00:03,000 --> 00:00:04,250
<i>Straße</i> und
<b>Übermaß</b>

3
00:00:05,001 --> 00:00:06,999
{\\an8}Oben: größer
`;

export const vtt = `WEBVTT
Kind: captions

NOTE a comment that is not a cue

intro
00:01.000 --> 00:02.500
Grüße aus Köln

00:00:03.000 --> 00:00:04.250
<i>Straße</i> und
<b.loud>Übermaß</b>

00:00:05.001 --> 00:00:06.999 line:0 position:50%
<v Anna>Oben: größer</v>
`;

export const ass = `[Script Info]
Title: Test
ScriptType: v4.00+
PlayResX: 1280
PlayResY: 720

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,40,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,2,0,2,20,20,30,1
Style: Sign,DejaVu Sans,30,&H0000FFFF,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,2,0,8,20,20,30,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Comment: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,not shown
Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,Grüße aus Köln
Dialogue: 0,0:00:03.00,0:00:04.25,Default,,0,0,0,,{\\i1}Straße{\\i0} und\\N{\\b1}Übermaß{\\b0}
Dialogue: 0,0:00:05.00,0:00:07.00,Sign,Anna,0,0,0,,{\\an8\\fs30}Oben: größer, mit Komma
`;

export const whisper = JSON.stringify({
  text: 'Grüße aus Köln. Straße und Übermaß.',
  language: 'de',
  segments: [
    {
      id: 0,
      start: 1.0,
      end: 2.5,
      text: ' Grüße aus Köln',
      words: [
        { word: ' Grüße', start: 1.0, end: 1.4, probability: 0.9 },
        { word: ' aus', start: 1.5, end: 1.7, probability: 0.9 },
        { word: ' Köln', start: 1.8, end: 2.5, probability: 0.9 },
      ],
    },
    {
      id: 1,
      start: null,
      end: null,
      text: ' Straße und Übermaß',
      words: [
        { word: ' Straße', start: 3.0, end: 3.5 },
        { word: ' und', start: 3.6, end: 3.8 },
        { word: ' Übermaß', start: 3.9, end: 4.25 },
      ],
    },
  ],
});

/** Overlap, a missing arrow, cues out of order, one running past a 10 s video: all repairable. */
export const repairableSrt = `1
00:00:01,000 --> 00:00:03,000
erste Zeile

2
00:00:02,000 00:00:04,000
zweite, ohne Pfeil

4
00:00:08,000 --> 00:00:12,000
läuft über das Ende

3
00:00:05,000 --> 00:00:06,000
vertauscht
`;

/** Two lines that cannot be repaired safely: an unreadable time and a cue ending before it starts. */
export const brokenSrt = `1
00:00:01,000 --> 00:00:02,000
gut

2
00:00:0x,000 --> 00:00:04,000
kaputt

3
00:00:06,000 --> 00:00:05,000
rückwärts
`;
