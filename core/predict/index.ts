import { defineCapability, type CommandTypes } from '../capability.js';
import { modelsCommand } from './cli/models.js';
import { predictCommand } from './cli/predict.js';
import { predictCommands } from './commands.js';
import { predictionMigration } from './migrations/0020-prediction-models-runs-segments.js';
import { embeddingModelsMigration } from './migrations/0021-embedding-models-in-store.js';
import { predictJob } from './predict-job.js';

/** Prediction: the ONNX model store (classifiers and embedding models), ffmpeg → worker inference, score curves, prediction segments. */
export const predict = defineCapability({
  name: 'predict',
  commands: predictCommands,
  jobKinds: [predictJob],
  migrations: [predictionMigration, embeddingModelsMigration],
  cli: [modelsCommand, predictCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof predictCommands> {}
}
