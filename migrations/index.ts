import { Foundation1764460800000 } from './1764460800000-foundation.js';

/** Every migration, oldest first. A new migration is a new file listed here. */
export const migrations = [Foundation1764460800000];
