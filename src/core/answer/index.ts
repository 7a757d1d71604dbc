export * from './addresses.js';
export * from './template.js';
export * from './subject.js';
export * from './thread.js';
export * from './body.js';
