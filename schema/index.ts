export * from './duration.js';
export * from './records.js';
export * from './scalars.js';
export * from './sdl.js';
export * from './vocabulary.js';
