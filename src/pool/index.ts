export * from './stop.js';
export * from './limit.js';
export * from './local-process.js';
export * from './process-tree.js';
export * from './launch.js';
export * from './node-launcher.js';
export * from './default-launcher.js';
