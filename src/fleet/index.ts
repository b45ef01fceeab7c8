export * from './events.js';
export * from './exec.js';
export * from './line-splitter.js';
export * from './run-on-hosts.js';
export * from './targets.js';
export * from './default-transport.js';
