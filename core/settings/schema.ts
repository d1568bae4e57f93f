import { z } from 'zod';

/** Every library setting with its type and default. Capabilities add their keys here. */
export const settingsSchema = z.object({
  /** Copy imported files into the library folder (the clinical workflow) instead of referencing them. */
  copyIntoLibrary: z.boolean().default(false),
  ffmpegPath: z.string().min(1).nullable().default(null),
  ffprobePath: z.string().min(1).nullable().default(null),
  /** Jobs run at once; null = cores − 1 (at least 1). */
  jobConcurrency: z.number().int().min(1).max(64).nullable().default(null),
  /** Name recorded in audit trails for edits made from this machine. */
  reviewerName: z.string().min(1).max(200).default('reviewer'),
  /**
   * Anonymization refuses to start until the patient fields are verified and every removed segment is
   * validated. 'auto' = on when files are copied into the library (the clinical workflow).
   */
  anonymizeClinicalGate: z.enum(['auto', 'on', 'off']).default('auto'),
  /** Frames sampled across a video for OCR of the burned-in overlay. */
  ocrSamples: z.number().int().min(1).max(200).default(24),
  /** Device profile used for OCR when none is picked for a video (null = suggest the best match). */
  ocrDefaultProfile: z.string().min(1).max(200).nullable().default(null),
  /** Anonymized exports: the folder offered first (null = the last one used). */
  exportDefaultFolder: z.string().min(1).max(4096).nullable().default(null),
  /** Anonymized exports: folders used recently, newest first (the export dialog offers them). */
  exportRecentFolders: z.array(z.string().min(1).max(4096)).max(8).default([]),
  /** Prediction: samples per second; null = every frame. */
  predictSampleFps: z.number().positive().max(240).nullable().default(5),
  /** Prediction: frames per inference batch (models with a fixed batch size use theirs). */
  predictBatchSize: z.number().int().min(1).max(256).default(8),
  /** Prediction: ONNX Runtime threads in the inference worker; null = cores − 1 (at least 1, at most 4). */
  predictThreads: z.number().int().min(1).max(64).nullable().default(null),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;
export const settingKeys = Object.keys(settingsSchema.shape) as SettingKey[];
