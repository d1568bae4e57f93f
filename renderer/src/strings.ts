/**
 * Every user-visible string of the renderer, in one place, so a German translation can follow
 * (copy this object, translate the values, pick by `navigator.language`). Functions build sentences
 * with numbers and names; keep whole sentences here rather than concatenating in components.
 */
import { patientStrings } from './features/patient/strings.js';

export const strings = {
  appName: 'Framewise',
  connection: {
    connecting: 'Connecting to the library…',
    lost: 'Connection to the library lost. Reconnecting…',
    failed: (reason: string) => `Cannot reach the library: ${reason}`,
  },
  nav: {
    library: 'Library',
    jobs: 'Jobs',
    import: 'Import',
    runningJobs: (n: number) => (n === 1 ? '1 job running' : `${n} jobs running`),
    back: 'Back to library',
  },
  library: {
    title: 'Library',
    count: (shown: number, total: number) =>
      shown === total ? `${total} ${total === 1 ? 'video' : 'videos'}` : `${shown} of ${total} videos`,
    searchPlaceholder: 'Search by name',
    searchLabel: 'Search videos by name',
    filterLabel: 'Filter by state',
    sortLabel: 'Sort by',
    orderAsc: 'Ascending',
    orderDesc: 'Descending',
    viewGrid: 'Grid view',
    viewList: 'List view',
    filters: {
      all: 'All states',
      imported: 'Imported',
      processing: 'Processing',
      reviewed: 'Reviewed',
      anonymized: 'Anonymized',
      failed: 'Failed',
      missing: 'Missing file',
    },
    sorts: { imported: 'Date imported', name: 'Name', duration: 'Duration', size: 'Size' },
    columns: { name: 'Name', duration: 'Duration', resolution: 'Resolution', fps: 'Frame rate', size: 'Size', state: 'State' },
    emptyTitle: 'Your library is empty',
    emptyBody:
      'Drag video files or folders onto this window, or choose them with the Import button. Files stay where they are unless you choose to copy them into the library.',
    emptyAction: 'Import videos',
    noMatchTitle: 'No videos match',
    noMatchBody: 'Change the search or the state filter to see more videos.',
    clearFilters: 'Clear search and filter',
    loadFailed: (reason: string) => `The library could not be loaded: ${reason}`,
    noThumbnail: 'No preview',
  },
  badges: {
    imported: 'Imported',
    processing: 'Processing',
    reviewed: 'Reviewed',
    anonymized: 'Anonymized',
    failed: 'Failed',
    missing: 'Missing file',
  },
  failedImports: {
    title: (n: number) => (n === 1 ? '1 file could not be imported' : `${n} files could not be imported`),
    retry: 'Retry',
    show: 'Show details',
    hide: 'Hide details',
  },
  import: {
    title: 'Import videos',
    dropTitle: 'Drop to import',
    dropBody: 'Files and folders are imported into the library. Folders are searched for videos.',
    zoneTitle: 'Drag video files or folders here',
    zoneOr: 'or',
    chooseFiles: 'Choose files…',
    chooseFolder: 'Choose folder…',
    byPathLabel: 'Import by path',
    byPathHint: 'A file or folder on this computer. Folders are searched for videos.',
    open: 'Open',
    copyLabel: 'Copy files into the library',
    copyHint: 'The library keeps its own copy; the originals are never changed. Otherwise files are referenced where they are.',
    copyHintBrowser: 'Applies to paths. Files dropped or chosen in the browser are always stored in the library.',
    byPathPlaceholder: '/path/to/video.mp4',
    byPathSubmit: 'Import',
    close: 'Close',
    results: 'This session',
    clearResults: 'Clear list',
    nothingFound: (path: string) => `${path}: no video files found`,
    phases: {
      uploading: 'Uploading',
      queued: 'Queued',
      running: 'Importing',
      imported: 'Imported',
      duplicate: 'Already in library',
      relinked: 'Re-linked',
      failed: 'Failed',
      cancelled: 'Cancelled',
    },
    uploadFailed: (name: string, reason: string) => `${name}: upload failed (${reason})`,
  },
  jobs: {
    title: 'Jobs',
    running: 'Running',
    queued: 'Queued',
    recent: 'Recent',
    empty: 'No jobs yet. Imports and processing steps appear here with their progress.',
    cancel: 'Cancel',
    retry: 'Retry',
    close: 'Close jobs panel',
    eta: (text: string) => `${text} left`,
    etaUnknown: 'estimating…',
    waiting: 'Waiting to start',
    states: { queued: 'Queued', running: 'Running', succeeded: 'Done', failed: 'Failed', cancelled: 'Cancelled' },
    kinds: { import: 'Import', 'frame-count': 'Count frames', 'verify-decode': 'Verify decode', predict: 'Predict' } as Record<
      string,
      string
    >,
    forVideo: (name: string) => name,
    cancelRequested: 'Cancelling…',
    showAll: 'Show finished jobs',
  },
  video: {
    notFound: (id: number) => `Video ${id} is not in the library.`,
    loadFailed: (reason: string) => `The video could not be loaded: ${reason}`,
    actions: 'Actions',
    verifyDecode: 'Verify decode',
    countFrames: 'Count frames',
    play: 'Play',
    pause: 'Pause',
    stepBack: 'Previous frame (←)',
    stepForward: 'Next frame (→)',
    seek: 'Seek',
    frame: 'Frame',
    time: 'Time',
    goToFrame: 'Go to frame',
    frameOf: (n: number) => `of ${n}`,
    playbackFailed: (name: string, reason: string) => `${name}: cannot be played in this window (${reason}). Processing still works.`,
    vfr: 'Variable frame rate',
    vfrNote: 'Frame numbers assume the nominal frame rate; with a variable frame rate they are approximate.',
    keyboardHint: '← → step one frame · Shift+← → step ten · Space play/pause · Home/End first/last frame',
    metadata: 'Details',
    jobsTitle: 'Jobs for this video',
    noJobs: 'No jobs for this video yet.',
    fields: {
      file: 'File',
      originalPath: 'Imported from',
      size: 'Size',
      duration: 'Duration',
      resolution: 'Resolution',
      display: 'Display size',
      rotation: 'Rotation',
      fps: 'Frame rate',
      frames: 'Frames',
      framesEstimated: 'estimated',
      codec: 'Video codec',
      pixelFormat: 'Pixel format',
      container: 'Container',
      audio: 'Audio streams',
      subtitles: 'Subtitle streams',
      vfr: 'Variable frame rate',
      sha256: 'SHA-256',
      imported: 'Imported',
      copied: 'Stored in library',
      yes: 'Yes',
      no: 'No',
    },
  },
  time: {
    justNow: 'just now',
    minutesAgo: (n: number) => `${n} min ago`,
    hoursAgo: (n: number) => `${n} h ago`,
  },
  predict: {
    action: 'Predict…',
    dialogTitle: 'Run a prediction model',
    model: 'Model',
    modelOption: (name: string, version: string, builtin: boolean) => `${name} ${version}${builtin ? ' (built-in)' : ''}`,
    labels: (labels: string) => `Labels: ${labels}`,
    sampling: 'Frames to analyse',
    fpsChoice: (f: string) => (f === 'default' ? 'Default (setting)' : f === 'all' ? 'Every frame' : `${f} per second`),
    run: 'Run prediction',
    cancel: 'Cancel',
    failed: (video: string, reason: string) => `${video}: prediction could not start (${reason})`,
    title: 'Predictions',
    loading: 'Loading predictions…',
    running: 'Prediction progress',
    runningText: (percent: string, eta: string | null) => `Predicting… ${percent}${eta ? ` · ${eta} left` : ''}`,
    none: 'No prediction yet. Use Predict… to run a model over this video.',
    loadFailed: (reason: string) => `Predictions could not be loaded: ${reason}`,
    modelTabs: 'Model',
    runInfo: (model: string, version: string, samples: number, fps: number | null) =>
      `${model} ${version} · ${samples} frames analysed (${fps === null ? 'every frame' : `${fps} per second`})`,
    laneAria: (label: string, n: number) => `${label}: ${n === 1 ? '1 segment' : `${n} segments`}`,
    segmentTooltip: (s: {
      label: string;
      start: string;
      end: string;
      startFrame: number;
      endFrame: number;
      mean: number | null;
      max: number | null;
      source: string;
    }) =>
      `${s.label} · ${s.start} – ${s.end} (frames ${s.startFrame}–${s.endFrame})` +
      (s.mean !== null ? ` · mean ${s.mean.toFixed(2)}, max ${(s.max ?? 0).toFixed(2)}` : '') +
      (s.source === 'reviewer' ? ' · reviewer' : ''),
  },
  errors: {
    generic: (reason: string) => `Something went wrong: ${reason}`,
    dismiss: 'Dismiss',
  },
  /** The patient-data panel and the device-profile editor (features/patient/strings.ts). */
  patient: patientStrings,
} as const;

export type Strings = typeof strings;
