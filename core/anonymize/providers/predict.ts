import { predictionAnonymizationSource } from '../../predict/integration.js';
import type { SourceProvider } from './provider.js';

/**
 * The prediction capability as a source: the video's active segments (reviewer edits win over predictions)
 * with their validation state. The plan picks the labels to remove and whether unreviewed ones count.
 */
export const predictSourceProvider: SourceProvider = {
  name: 'segments',
  load: (services, video) => predictionAnonymizationSource(services, video.id),
};
