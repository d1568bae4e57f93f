import { z } from 'zod';

/** Input pieces shared by many commands. */
export const idSchema = z.number().int().positive();
/** A library video: its id or its path. */
export const videoRefSchema = z.union([idSchema, z.string().min(1)]);
/** A frame number (frames count from 0). */
export const frameSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);
