export * from './api';
export * from './definition';
