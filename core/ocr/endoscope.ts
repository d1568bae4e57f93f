// The endoscope-region detector is pure pixel work that the library also needs (private thumbnails), so it lives
// in util/; OCR keeps this name for its own modules.
export * from '../util/endoscope.js';
