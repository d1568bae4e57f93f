import type { Box } from '../util/box.js';

/** The patient fields Framewise reads from a video's overlay. */
export const PATIENT_FIELDS = ['last_name', 'first_name', 'dob', 'examination_date', 'examination_time', 'casenumber', 'device'] as const;
export type PatientField = (typeof PATIENT_FIELDS)[number];

/** A text line read from one frame. */
export interface TextLine {
  text: string;
  /** 0..1 recogniser confidence */
  confidence: number;
  box: Box;
  /** Per-character recogniser scores (0..1), when the recogniser gives them. */
  chars?: Array<{ text: string; confidence: number }>;
  /** A competing reading of the same line, when the recogniser could not decide. */
  alternative?: string;
}

/** One field's value read from one frame. */
export interface FieldReading {
  value: string;
  /** 0..1 */
  confidence: number;
  box: Box;
}

export type FieldReadings = Partial<Record<PatientField, FieldReading>>;

/**
 * Field regions a device profile names (frame pixels). `name` holds "Last, First" (or last name and first
 * name on consecutive lines); the other keys hold one field each.
 */
export type FieldRegionKey = 'name' | 'last_name' | 'first_name' | 'dob' | 'examination_date' | 'casenumber' | 'device';
export type FieldRegions = Partial<Record<FieldRegionKey, Box>>;
