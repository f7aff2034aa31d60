import { notImplemented, runAction } from './kit/runtime.js';

runAction(notImplemented('deploy'));
