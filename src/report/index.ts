export * from './text.js';
export * from './counts.js';
export * from './outcome-json.js';
export * from './run-output.js';
export * from './run-json.js';
export * from './joblog.js';
export * from './run-summary.js';
