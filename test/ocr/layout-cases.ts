import type { PatientField } from '../../core/patient/fields.js';
import type { OverlaySpec } from './overlay-media.js';

/** Generated frames in other processors' layouts, with their truth. */
export interface Case {
  name: string;
  spec: OverlaySpec;
  truth: Partial<Record<PatientField, string>>;
}

export const circle = { shape: 'circle' as const, x: 40, y: 80, size: 560 };
export const octagon = { shape: 'octagon' as const, x: 660, y: 100, size: 560 };

export const layoutCases: Case[] = [
  {
    name: 'top-right-umlauts',
    spec: {
      endoscope: circle,
      lines: [
        { text: 'Müller, Jürgen', x: 900, y: 30 },
        { text: 'geb. 03.07.1961', x: 900, y: 75 },
        { text: '12.05.2023 14:31:08', x: 900, y: 120 },
      ],
    },
    truth: { last_name: 'Müller', first_name: 'Jürgen', dob: '1961-07-03', examination_date: '2023-05-12', examination_time: '14:31:08' },
  },
  {
    name: 'bottom-labelled',
    spec: {
      endoscope: octagon,
      lines: [
        { text: 'Name: Schäfer, Anna-Lena', x: 30, y: 600 },
        { text: 'DOB: 1985-11-23', x: 30, y: 640 },
        { text: 'Fall: 20231234', x: 30, y: 680 },
        { text: 'Datum: 2024/01/09 08:15', x: 330, y: 680 },
      ],
    },
    truth: {
      last_name: 'Schäfer',
      first_name: 'Anna-Lena',
      dob: '1985-11-23',
      examination_date: '2024-01-09',
      examination_time: '08:15',
      casenumber: '20231234',
    },
  },
  {
    name: 'two-digit-year-and-slashes',
    spec: {
      endoscope: circle,
      lines: [
        { text: 'Pat.: Weiß, Günther', x: 700, y: 40 },
        { text: '* 07.03.58', x: 700, y: 90 },
        { text: '28/02/2022 10:02', x: 700, y: 140 },
        { text: 'Pat-ID: A-77812', x: 700, y: 190 },
      ],
    },
    truth: {
      last_name: 'Weiß',
      first_name: 'Günther',
      dob: '1958-03-07',
      examination_date: '2022-02-28',
      examination_time: '10:02',
      casenumber: 'A-77812',
    },
  },
  {
    name: 'small-14px',
    spec: {
      endoscope: octagon,
      lines: [
        { text: 'Öztürk, Jörg', x: 24, y: 24, size: 14 },
        { text: 'geb. 19.09.1990', x: 24, y: 44, size: 14 },
        { text: '2021-06-30 16:45', x: 24, y: 64, size: 14 },
      ],
    },
    truth: { last_name: 'Öztürk', first_name: 'Jörg', dob: '1990-09-19', examination_date: '2021-06-30' },
  },
  {
    name: 'low-contrast',
    spec: {
      background: '0x202020',
      endoscope: circle,
      lines: [
        { text: 'Köhler, Björn', x: 720, y: 40, color: '0x6a6a6a' },
        { text: 'geb. 01.12.1944', x: 720, y: 85, color: '0x6a6a6a' },
        { text: '05.10.2020 11:11', x: 720, y: 130, color: '0x6a6a6a' },
      ],
    },
    truth: { last_name: 'Köhler', first_name: 'Björn', dob: '1944-12-01', examination_date: '2020-10-05' },
  },
];
