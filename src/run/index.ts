export * from './command-lines.js';
export * from './events.js';
export * from './run-commands.js';
