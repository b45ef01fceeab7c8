export * from './transport.js';
export * from './remote-wrapper.js';
export * from './shell-quote.js';
export * from './ssh2/ssh2-transport.js';
export * from './ssh2/connect.js';
export * from './ssh2/host-key.js';
export * from './ssh2/classify-error.js';
