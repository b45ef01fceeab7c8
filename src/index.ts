/**
 * lwt's library API. The CLI uses only what is exported here.
 */
export * from './outcome/index.js';
export * from './pool/index.js';
export * from './run/index.js';
export * from './report/index.js';
export * from './usage-error.js';
export * from './hosts/index.js';
export * from './transport/index.js';
export * from './fleet/index.js';
export * from './health/index.js';
