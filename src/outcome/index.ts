export * from './outcome.js';
export * from './decode.js';
export * from './exit-code.js';
