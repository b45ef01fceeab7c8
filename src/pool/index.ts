export * from './stop.js';
export * from './limit.js';
export * from './local-process.js';
export * from './process-tree.js';
